import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { TEXT_LOADERS } from '../../scripts/build';
import { ROOT } from '../../scripts/paths';

/**
 * Bundles test/email/fixtures/send-email.ts as `make build` bundles a function (the templates as
 * text, the AWS SDK left to the runtime), into a folder of its own. Resolves with the bundle's
 * path and a function that removes it.
 */
export async function bundleSendEmailFixture(): Promise<{ entry: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'auth-api-send-email-'));
  const entry = join(dir, 'index.js');
  await build({
    entryPoints: [join(ROOT, 'test', 'email', 'fixtures', 'send-email.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    loader: TEXT_LOADERS,
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  });
  return { entry, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
