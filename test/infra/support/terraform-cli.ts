/**
 * Whether the Terraform CLI can run here, for the suites that run it on a copy of infra/.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INFRA_DIR } from './terraform';

/**
 * Why Terraform cannot run the checks here, or undefined when it can: it must be installed and able
 * to install the AWS provider versions.tf pins (from the registry, or a mirror named by
 * TF_CLI_CONFIG_FILE). Tried on a scratch copy of versions.tf, which takes a second, so a suite can
 * say why it skips.
 */
export function terraformReadiness(): string | undefined {
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
