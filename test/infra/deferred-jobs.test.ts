import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { listFunctionKeys } from '../../scripts/build';
import type { TerraformData } from '../../scripts/contract/terraform-data';
import { metricCatalogue } from '../../scripts/contract/terraform-data';
import { ROOT } from '../../scripts/paths';
import { INFRA_DIR } from './support/terraform';
import { terraformReadiness } from './support/terraform-cli';

/**
 * No function defers jobs yet, so infra/tests/wiring.tftest.hcl can only check that none gets
 * what such a function would. This suite runs Terraform's own tests on a copy of the configuration
 * whose generated data says that one function (login) defers jobs, with the assertions of
 * fixtures/deferring-function.tftest.hcl: the grant on its own ARN only, its asynchronous
 * invocation limits and its alarm.
 */
const DEFERRING = 'login';
const skipReason = terraformReadiness();
const describeWithTerraform = skipReason === undefined ? describe : describe.skip;

/** The provider, overrides and variables of the committed tests: everything before their first run. */
function committedTestPreamble(): string {
  const wiring = readFileSync(join(INFRA_DIR, 'tests', 'wiring.tftest.hcl'), 'utf8');
  return wiring.slice(0, wiring.search(/^run "/m));
}

/** generated/terraform.json as `make generate` would write it if login's bundle held the module that invokes Lambda. */
function dataWithADeferringFunction(): TerraformData {
  const data = JSON.parse(readFileSync(join(ROOT, 'generated', 'terraform.json'), 'utf8')) as TerraformData;
  data.functions[DEFERRING]!.defers_jobs = true;
  data.metrics.catalogue = metricCatalogue(listFunctionKeys(), [DEFERRING]);
  return data;
}

describeWithTerraform(
  `Terraform for a function that defers jobs${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    let root: string;

    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'deferred-jobs-'));
      cpSync(INFRA_DIR, join(root, 'infra'), {
        recursive: true,
        filter: (source) => !['.terraform', '.terraform.lock.hcl', 'tests'].includes(basename(source)),
      });
      mkdirSync(join(root, 'infra', 'tests'));
      writeFileSync(
        join(root, 'infra', 'tests', 'deferring-function.tftest.hcl'),
        committedTestPreamble() + readFileSync(join(__dirname, 'fixtures', 'deferring-function.tftest.hcl'), 'utf8'),
      );
      mkdirSync(join(root, 'generated'));
      writeFileSync(join(root, 'generated', 'terraform.json'), JSON.stringify(dataWithADeferringFunction()));
      cpSync(join(ROOT, 'generated', 'api-gateway.json.tftpl'), join(root, 'generated', 'api-gateway.json.tftpl'));
      // Every resource is overridden, so a zip only has to exist for the functions' preconditions.
      mkdirSync(join(root, 'dist'));
      for (const key of listFunctionKeys()) writeFileSync(join(root, 'dist', `${key}.zip`), 'placeholder');
    });

    afterAll(() => {
      rmSync(root, { recursive: true, force: true });
    });

    it('grants it Invoke on its own ARN only, bounds its retries and event age, and alarms on its job failures', () => {
      const env = { ...process.env, TF_DATA_DIR: join(root, '.terraform-data') };
      const cwd = join(root, 'infra');
      const init = spawnSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], {
        cwd,
        env,
        encoding: 'utf8',
      });
      expect(init.stderr).toBe('');
      const test = spawnSync('terraform', ['test', '-no-color'], { cwd, env, encoding: 'utf8' });

      expect({ status: test.status, output: test.status === 0 ? '' : `${test.stdout}\n${test.stderr}` }).toEqual({
        status: 0,
        output: '',
      });
      expect(test.stdout).toContain('run "a_function_that_defers_jobs_may_invoke_itself_and_nothing_else"... pass');
      expect(test.stdout).toContain('run "the_retries_and_the_age_of_a_job_are_settings"... pass');
    }, 600_000);
  },
);
