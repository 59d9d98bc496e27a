import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { COMMON_PASSWORDS } from '../../generated/common-passwords';
import { buildWithoutList, emptyListModule, withoutListPlugin } from '../../bench/password-list';
import { FUNCTIONS_DIR } from '../../scripts/paths';

/** Bundles one module with the plugin, in memory, and returns the plugin's verdict and the output. */
async function bundleWithPlugin(entry: string): Promise<{ replaced: boolean; text: string }> {
  const { plugin, replaced } = withoutListPlugin();
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    write: false,
    plugins: [plugin],
    logLevel: 'silent',
  });
  return { replaced: replaced(), text: result.outputFiles[0]?.text ?? '' };
}

const someHashes = COMMON_PASSWORDS.hashes.slice(0, 40);

describe('the list-free register bundle of make bench', () => {
  it('is an empty list of the same shape as the generated one', () => {
    const text = emptyListModule();
    const literal = JSON.parse(text.slice(text.indexOf('=') + 1, text.lastIndexOf(' as const'))) as Record<
      string,
      unknown
    >;

    expect(Object.keys(literal)).toEqual(Object.keys(COMMON_PASSWORDS));
    expect(literal).toMatchObject({ count: 0, hashes: '', hashBytes: COMMON_PASSWORDS.hashBytes });
  });

  it('replaces the generated list wherever a bundle imports it, and says so', async () => {
    const policy = await bundleWithPlugin(join(FUNCTIONS_DIR, 'shared', 'password-policy.ts'));

    expect(policy.replaced).toBe(true);
    expect(policy.text).not.toContain(someHashes);
    expect(policy.text).toContain('"hashes": ""');
  });

  it('reports that it replaced nothing in a bundle that does not import the list', async () => {
    const other = await bundleWithPlugin(join(FUNCTIONS_DIR, 'shared', 'once.ts'));

    expect(other.replaced).toBe(false);
  });

  it("builds and zips register without the list's hashes", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'without-list-'));
    try {
      const without = await buildWithoutList(dir);
      const bundle = readFileSync(without.entry, 'utf8');

      expect(bundle).not.toContain(someHashes);
      expect(bundle).toContain('handler');
      expect(without.zipBytes).toBeLessThan(without.bundleBytes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
