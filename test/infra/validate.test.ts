import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildFunction, listFunctionKeys, zipPathFor } from '../../scripts/build';
import { ROOT } from '../../scripts/paths';
import { lockBundles } from '../e2e/support';
import { INFRA_DIR } from './support/terraform';

/** What the configuration reads outside infra/ (main.tf, api.tf, functions.tf), besides the zips. */
const READ_OUTSIDE_INFRA = ['generated/terraform.json', 'generated/api-gateway.json.tftpl'];
/** Files a developer's own runs leave in infra/; the copy starts as a fresh clone does. */
const LOCAL_STATE = new Set(['.terraform', '.terraform.lock.hcl']);

/**
 * Whether Terraform can run the checks here: it must be installed and able to install the AWS
 * provider versions.tf pins (from the registry, or a mirror named by TF_CLI_CONFIG_FILE).
 * Tried on a scratch copy of versions.tf, which takes a second, so the suite can say why it skips.
 */
function terraformReadiness(): string | undefined {
  if (spawnSync('terraform', ['version'], { encoding: 'utf8' }).error) return 'terraform is not installed';
  const dir = mkdtempSync(join(tmpdir(), 'terraform-probe-'));
  try {
    copyFileSync(join(INFRA_DIR, 'versions.tf'), join(dir, 'versions.tf'));
    const init = spawnSync('terraform', ['init', '-backend=false', '-input=false'], {
      cwd: dir,
      env: { ...process.env, TF_DATA_DIR: join(dir, '.terraform') },
      encoding: 'utf8',
    });
    return init.status === 0
      ? undefined
      : 'terraform cannot install the AWS provider here (no registry access and no mirror in TF_CLI_CONFIG_FILE)';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
