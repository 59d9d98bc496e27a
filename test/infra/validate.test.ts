import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildFunction, listFunctionKeys, zipPathFor } from '../../scripts/build';
import { ROOT } from '../../scripts/paths';
import { lockBundles } from '../e2e/support';
import { INFRA_DIR } from './support/terraform';
import { terraformReadiness } from './support/terraform-cli';

/** What the configuration reads outside infra/ (main.tf, api.tf, functions.tf), besides the zips. */
const READ_OUTSIDE_INFRA = ['generated/terraform.json', 'generated/api-gateway.json.tftpl'];
/** Files a developer's own runs leave in infra/; the copy starts as a fresh clone does. */
const LOCAL_STATE = new Set(['.terraform', '.terraform.lock.hcl']);

/** Every file and directory under dir, hidden ones included, relative to it. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

const skipReason = terraformReadiness();
const describeWithTerraform = skipReason === undefined ? describe : describe.skip;

describeWithTerraform(
  `make validate with Terraform${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    let root: string;

    beforeAll(async () => {
      // A copy of the tree the configuration reads, so the checks see bundles no other suite is rebuilding.
      root = mkdtempSync(join(tmpdir(), 'validate-'));
      cpSync(INFRA_DIR, join(root, 'infra'), {
        recursive: true,
        filter: (source) => !LOCAL_STATE.has(basename(source)),
      });
      for (const file of READ_OUTSIDE_INFRA) {
        mkdirSync(join(root, file, '..'), { recursive: true });
        copyFileSync(join(ROOT, file), join(root, file));
      }
      mkdirSync(join(root, 'dist'));
      const release = await lockBundles();
      try {
        for (const key of listFunctionKeys()) {
          await buildFunction(key);
          copyFileSync(zipPathFor(key), join(root, 'dist', `${key}.zip`));
        }
      } finally {
        release();
      }
    });

    afterAll(() => {
      rmSync(root, { recursive: true, force: true });
    });

    it('passes, and leaves infra/ as it found it: no lock file, no .terraform directory', () => {
      const before = listing(join(root, 'infra'));
      const result = spawnSync('bash', [join(root, 'infra', 'scripts', 'validate.sh')], { encoding: 'utf8' });
      expect({
        status: result.status,
        output: result.status === 0 ? '' : `${result.stdout}\n${result.stderr}`,
      }).toEqual({ status: 0, output: '' });
      expect(listing(join(root, 'infra'))).toEqual(before);
    }, 600_000);
  },
);
