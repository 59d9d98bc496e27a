import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildFunction, listFunctionKeys, TEXT_LOADERS } from '../../scripts/build';
import { listOperations, loadContract } from '../../scripts/contract/load';
import type { TerraformData } from '../../scripts/contract/terraform-data';
import {
  buildTerraformData,
  CODE_FACTS,
  factsOf,
  functionFacts,
  metricCatalogue,
} from '../../scripts/contract/terraform-data';
import { DEFER_FAILURE, JOB_FAILURE } from '../../functions/shared/deferred';
import { REFRESH_REJECTION, TOKEN_REJECTION } from '../../functions/shared/errors';
import { METRIC_DIMENSIONS, MetricName, SERVICE_DIMENSION } from '../../functions/shared/observability';
import { OUTCOME } from '../../functions/shared/outcomes';
import { REVOKE_REASON } from '../../functions/shared/session-model';
import { ROOT } from '../../scripts/paths';
import { lockBundles } from '../e2e/support';
import { INFRA_DIR } from './support/terraform';

/**
 * generated/terraform.json is what infra/ knows about the code. These tests hold it to the code it
 * is generated from, and infra/ to reading it rather than restating it.
 */
const doc = loadContract();
const operations = listOperations(doc);
const functionKeys = listFunctionKeys();
let data: TerraformData;

beforeAll(async () => {
  data = await buildTerraformData(doc, operations);
});

describe('generated/terraform.json', () => {
  it('lists every operation with its method, path, function and whether the authorizer guards it', () => {
    expect(Object.keys(data.operations).sort()).toEqual(operations.map((op) => op.operationId).sort());
    expect(data.operations.me).toEqual({
      method: 'GET',
      path: '/me',
      summary: expect.any(String),
      function: 'me',
      authorizer: true,
    });
    expect(data.operations.revokeSession).toMatchObject({
      method: 'DELETE',
      path: '/me/sessions/{sessionId}',
      authorizer: true,
    });
    expect(data.operations.login).toMatchObject({ method: 'POST', path: '/login', authorizer: false });
    expect(data.authorizer_function).toBe('authorizer');
    expect(Object.keys(data.functions).sort()).toEqual([...functionKeys].sort());
  });

  it('catalogues every metric the code publishes, with the dimensions it publishes it with', () => {
    expect(data.metrics.service_dimension).toBe(SERVICE_DIMENSION);
    expect(Object.keys(data.metrics.catalogue)).toEqual(Object.values(MetricName));
    for (const [name, entry] of Object.entries(data.metrics.catalogue)) {
      expect({ name, entryName: entry.name, dimensions: entry.dimensions }).toEqual({
        name,
        entryName: name,
        dimensions: METRIC_DIMENSIONS[name as MetricName],
      });
    }
  });

  it('gives alarms every reason a rejection or revocation can be counted with, one series each', () => {
    const reasons = (name: MetricName) => data.metrics.catalogue[name]!.series!.map((series) => series.reason);
    expect(reasons(MetricName.AuthorizerRejected)).toEqual(Object.values(TOKEN_REJECTION));
    expect(reasons(MetricName.RefreshRefused)).toEqual(Object.values(REFRESH_REJECTION));
    expect(reasons(MetricName.SessionRevoked)).toEqual(Object.values(REVOKE_REASON));
    expect(data.metrics.catalogue[MetricName.LoginFailed]!.series).toEqual([{}]);
  });

  it('gives alarms each function with each outcome of a 5xx answer, the ones HandlerError is counted with', () => {
    const series = data.metrics.catalogue[MetricName.HandlerError]!.series!;
    const outcomes = [...new Set(series.map((s) => s.outcome))].sort();
    expect(outcomes).toEqual(
      [OUTCOME.configError, OUTCOME.dependencyUnavailable, OUTCOME.error, OUTCOME.integrationError].sort(),
    );
    expect([...new Set(series.map((s) => s.operation))].sort()).toEqual([...functionKeys].sort());
    expect(series).toHaveLength(functionKeys.length * outcomes.length);
  });

  it('leaves out the series of metrics counted per deployed function: only Terraform knows the names', () => {
    for (const name of [MetricName.ColdStart, MetricName.DbConnectionNew, MetricName.DbConnectionReused]) {
      expect(data.metrics.catalogue[name]).toEqual({ name, dimensions: ['function_name'], series: null });
    }
    expect(metricCatalogue(['only'])[MetricName.HandlerError]!.series!.every((s) => s.operation === 'only')).toBe(true);
  });

  it('says which functions sign tokens, read the token keys, use the database, hash passwords and defer jobs, from the modules they bundle', () => {
    const facts = (
      signs: boolean,
      keys: boolean,
      database: boolean,
      passwords: boolean,
      { email = false, jobs = false } = {},
    ) => ({
      signs_tokens: signs,
      reads_token_keys: keys,
      uses_database: database,
      hashes_passwords: passwords,
      sends_email: email,
      defers_jobs: jobs,
    });
    expect(data.functions.authorizer).toEqual(facts(false, true, false, false));
    expect(data.functions.getJwks).toEqual(facts(false, true, false, false));
    expect(data.functions.getOpenIdConfiguration).toEqual(facts(false, true, false, false));
    expect(data.functions.login).toEqual(facts(true, true, true, true));
    // Registration sends the verification email; the forgotten-password request defers the reset email to its job.
    expect(data.functions.register).toEqual(facts(true, true, true, true, { email: true }));
    expect(data.functions.refreshToken).toEqual(facts(true, true, true, false));
    expect(data.functions.changePassword).toEqual(facts(false, false, true, true));
    expect(data.functions.forgotPassword).toEqual(facts(false, false, true, false, { email: true, jobs: true }));
    expect(data.functions.sendEmailVerification).toEqual(facts(false, false, true, false, { email: true }));
    expect(data.functions.resetPassword).toEqual(facts(false, false, true, true));
    for (const key of [
      'me',
      'listUsers',
      'logout',
      'listSessions',
      'revokeSession',
      'revokeAllSessions',
      'verifyEmail',
    ]) {
      expect({ key, facts: data.functions[key] }).toEqual({ key, facts: facts(false, false, true, false) });
    }
    expect(
      Object.entries(data.functions)
        .filter(([, code]) => code.signs_tokens)
        .map(([key]) => key)
        .sort(),
    ).toEqual(['login', 'refreshToken', 'register']);
  });

  it('says a function defers jobs when its bundle holds the module that invokes Lambda', () => {
    expect(factsOf(['functions/shared/deferred/defer.ts', 'functions/shared/deferred/index.ts']).defers_jobs).toBe(
      true,
    );
    expect(factsOf(['functions/shared/deferred/job.ts']).defers_jobs).toBe(false);
  });

  it('gives alarms each function that defers jobs with each reason its jobs can fail or fail to be deferred for', () => {
    const catalogue = metricCatalogue(functionKeys, ['forgotPassword']);
    const reasons = (name: MetricName) => catalogue[name]!.series!.map((series) => series.reason);
    expect(reasons(MetricName.JobNotDeferred)).toEqual(Object.values(DEFER_FAILURE));
    expect(reasons(MetricName.JobFailed)).toEqual(Object.values(JOB_FAILURE));
    for (const name of [MetricName.JobNotDeferred, MetricName.JobFailed])
      expect(catalogue[name]!.series!.every((series) => series.operation === 'forgotPassword')).toBe(true);
    const deferring = Object.keys(data.functions).filter((key) => data.functions[key]!.defers_jobs);
    expect(data.metrics.catalogue[MetricName.JobFailed]!.series!.map((series) => series.operation)).toEqual(
      deferring.flatMap((key) => Object.values(JOB_FAILURE).map(() => key)),
    );
  });

  it('reads the facts off the same modules `make build` bundles', async () => {
    const release = await lockBundles();
    try {
      for (const key of ['authorizer', 'getJwks', 'me']) {
        const inputs = Object.keys((await buildFunction(key)).metafile.inputs);
        const fromBuild = factsOf(inputs);
        expect({ key, facts: (await functionFacts([key]))[key] }).toEqual({ key, facts: fromBuild });
      }
    } finally {
      release();
    }
  });

  it('knows which modules read each key or secret: the only callers of their getters in functions/shared/config.ts', () => {
    const sources = readdirSync(join(ROOT, 'functions'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => `functions/${file.split('\\').join('/')}`)
      .filter((file) => file !== 'functions/shared/config.ts');
    const callers = (getter: string) =>
      sources.filter((file) => new RegExp(`\\b${getter}\\(`).test(readFileSync(join(ROOT, file), 'utf8'))).sort();
    expect(callers('signingConfig')).toEqual([...CODE_FACTS.signs_tokens]);
    expect(callers('tokenConfig')).toEqual([...CODE_FACTS.reads_token_keys].sort());
    expect(callers('databaseConfig')).toEqual([...CODE_FACTS.uses_database]);
    expect(callers('bcrypt\\.(?:hash|compare)')).toEqual([...CODE_FACTS.hashes_passwords]);
    expect(callers('emailConfig')).toEqual([...CODE_FACTS.sends_email]);
    expect(callers('InvokeCommand')).toEqual([...CODE_FACTS.defers_jobs]);
  });

  it('says a function sends email when its code sends through the email module, from the modules esbuild bundles', async () => {
    const result = await build({
      entryPoints: [join(ROOT, 'test', 'email', 'fixtures', 'send-email.ts')],
      absWorkingDir: ROOT,
      bundle: true,
      write: false,
      platform: 'node',
      packages: 'external',
      loader: TEXT_LOADERS,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);

    expect(factsOf(inputs).sends_email).toBe(true);
    expect(factsOf(inputs.filter((input) => input !== CODE_FACTS.sends_email[0])).sends_email).toBe(false);
  });
});

describe('infra/', () => {
  const tfFiles = readdirSync(INFRA_DIR).filter((file) => file.endsWith('.tf'));
  /** A .tf file without block labels (`resource "type" "name"`), which are Terraform's names, not data. */
  const body = (file: string) =>
    readFileSync(join(INFRA_DIR, file), 'utf8').replace(/^\s*[a-z_]+(\s+"[^"]*")+\s*\{/gm, '');

  it('reads the generated data instead of the contract', () => {
    const main = readFileSync(join(INFRA_DIR, 'main.tf'), 'utf8');
    expect(main).toContain('jsondecode(file("${path.module}/../generated/terraform.json"))');
    for (const file of tfFiles)
      expect({ file, yaml: body(file).includes('yamldecode') }).toEqual({ file, yaml: false });
  });

  it('writes no operation, path, function, metric, dimension, reason or alarmed outcome as a string', () => {
    const catalogue = Object.values(data.metrics.catalogue);
    const fromCode = new Set<string>([
      ...Object.keys(data.operations),
      ...Object.values(data.operations).map((op) => op.path),
      ...Object.keys(data.functions),
      ...catalogue.flatMap((entry) => [
        entry.name,
        ...entry.dimensions,
        ...(entry.series ?? []).flatMap((series) => Object.values(series)),
      ]),
      SERVICE_DIMENSION,
      ...Object.values(TOKEN_REJECTION),
      ...Object.values(REFRESH_REJECTION),
      ...Object.values(REVOKE_REASON),
    ]);
    for (const file of tfFiles) {
      const strings = [...body(file).matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!);
      expect({ file, restated: strings.filter((text) => fromCode.has(text)) }).toEqual({ file, restated: [] });
    }
  });

  it('keys nothing by an operation or metric name, except the operations an operator chooses to throttle harder', () => {
    const names = new Set([...Object.keys(data.functions), ...Object.keys(data.metrics.catalogue)]);
    const keys = tfFiles.flatMap((file) =>
      [...body(file).matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)].map((match) => `${file}: ${match[1]}`),
    );
    const keyedByName = keys.filter((entry) => names.has(entry.split(': ')[1]!));
    // The default of var.operation_throttling: a setting (which routes, how tight), checked against the operations.
    expect(keyedByName.sort()).toEqual([
      'variables.tf: forgotPassword',
      'variables.tf: login',
      'variables.tf: logout',
      'variables.tf: refreshToken',
      'variables.tf: register',
      'variables.tf: resetPassword',
      'variables.tf: verifyEmail',
    ]);
  });
});
