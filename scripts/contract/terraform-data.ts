/**
 * What Terraform needs to know about the code, as data: generated/terraform.json, read by infra/
 * with `jsondecode(file())` so that no operation, metric, dimension or reason is restated in HCL.
 *
 * - `operations`: each operationId with its method, path, summary, function and whether the
 *   authorizer guards it (from the contract, as the API Gateway template is built);
 * - `functions`: per function key, what its code does that decides its permissions and its size,
 *   read from the modules its bundle pulls in;
 * - `metrics`: the catalogue the dashboard and alarms read (functions/shared/observability.ts), with
 *   every series an alarm must name one by one, since CloudWatch alarms cannot SEARCH.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import type { HttpError } from '../../functions/shared/errors';
import {
  ConfigError,
  DependencyUnavailable,
  EMAIL_FAILURE,
  IntegrationError,
  PASSWORD_REJECTION,
  REFRESH_REJECTION,
  TOKEN_REJECTION,
} from '../../functions/shared/errors';
import { DEFER_FAILURE, JOB_FAILURE } from '../../functions/shared/deferred';
import { METRIC_DIMENSIONS, MetricName, SERVICE_DIMENSION } from '../../functions/shared/observability';
import { OUTCOME } from '../../functions/shared/outcomes';
import { REVOKE_REASON } from '../../functions/shared/session-model';
import { THROTTLE_SCOPE, THROTTLED_OPERATION } from '../../functions/shared/throttle-model';
import { TEXT_LOADERS } from '../build';
import { AUTHORIZER_FUNCTION, BEARER_SCHEME } from './api-gateway';
import type { OpenApiDocument, Operation } from './load';
import { FUNCTIONS_DIR, ROOT } from '../paths';

/**
 * What a function's code does, decided by whether its bundle includes one of the modules that do
 * it. token-issuer.ts is the only caller of signingConfig() (the current key's KMS ARN), the
 * modules listed for reads_token_keys are the only callers of tokenConfig() (the public keys), and
 * db.ts the only caller of databaseConfig() (the MongoDB URI), so these facts are exactly what
 * configuration and permissions a function needs.
 */
export const CODE_FACTS = {
  signs_tokens: ['functions/shared/token-issuer.ts'],
  reads_token_keys: [
    'functions/shared/tokens.ts',
    'functions/shared/token-issuer.ts',
    'functions/getJwks/jwks.ts',
    'functions/getOpenIdConfiguration/openid-configuration.ts',
  ],
  uses_database: ['functions/shared/db.ts'],
  /** bcrypt is CPU-bound, and Lambda allots CPU in proportion to memory. */
  hashes_passwords: ['functions/shared/passwords.ts'],
  /** send.ts is the only caller of emailConfig(): the sender's settings and ses:SendEmail. */
  sends_email: ['functions/shared/email/send.ts'],
  /** The only caller of Lambda's Invoke: the function queues jobs for itself, so it may invoke itself. */
  defers_jobs: ['functions/shared/deferred/defer.ts'],
} as const satisfies Record<string, readonly string[]>;

export type FunctionFacts = Record<keyof typeof CODE_FACTS, boolean>;

/** Whether a bundle made of these modules (paths relative to the repository root) has each fact. */
export function factsOf(inputs: readonly string[]): FunctionFacts {
  return Object.fromEntries(
    Object.entries(CODE_FACTS).map(([fact, modules]) => [fact, modules.some((module) => inputs.includes(module))]),
  ) as FunctionFacts;
}

/** A dimension filled in at run time with the deployed function's name, so not known here. */
const DEPLOYED_NAME = 'deployed function name';

/** Errors the functions answer with a 5xx: their outcomes are the ones HandlerError carries. */
const SERVER_ERRORS: readonly HttpError[] = [
  new ConfigError('VARIABLE', 'unset'),
  new IntegrationError('unreadable'),
  new DependencyUnavailable('database', undefined),
];

/**
 * Every value the code can publish in each dimension of each metric (besides `service`), or
 * DEPLOYED_NAME. The type makes a new metric or dimension in observability.ts fail to compile
 * until it is listed here. `jobFunctionKeys` are the functions that defer jobs: the only ones
 * that count the job metrics.
 */
function dimensionValues(
  functionKeys: readonly string[],
  jobFunctionKeys: readonly string[],
): {
  [TName in MetricName]: Record<(typeof METRIC_DIMENSIONS)[TName][number], readonly string[] | typeof DEPLOYED_NAME>;
} {
  const reasons = (set: Record<string, string>) => Object.values(set);
  return {
    ColdStart: { function_name: DEPLOYED_NAME },
    DbConnectionNew: { function_name: DEPLOYED_NAME },
    DbConnectionReused: { function_name: DEPLOYED_NAME },
    RegistrationSucceeded: {},
    RegistrationEmailTaken: {},
    RegistrationRejected: {},
    LoginSucceeded: {},
    LoginFailed: {},
    LoginRejected: {},
    AuthorizerAllowed: {},
    AuthorizerRejected: { reason: reasons(TOKEN_REJECTION) },
    SessionCreated: {},
    RefreshSucceeded: {},
    RefreshRefused: { reason: reasons(REFRESH_REJECTION) },
    RefreshTokenReuse: {},
    Logout: {},
    SessionRevoked: { reason: reasons(REVOKE_REASON) },
    // Counted by the wrapper for a 5xx answer (an unknown error is OUTCOME.error), per function.
    HandlerError: {
      operation: functionKeys,
      outcome: [...new Set([...SERVER_ERRORS.map((error) => error.outcome), OUTCOME.error])],
    },
    PasswordRejected: { reason: reasons(PASSWORD_REJECTION) },
    PwnedCheckUnavailable: {},
    AttemptThrottled: { operation: reasons(THROTTLED_OPERATION), scope: reasons(THROTTLE_SCOPE) },
    AttemptThrottledTotal: {},
    EmailSendFailed: { reason: reasons(EMAIL_FAILURE) },
    JobNotDeferred: { operation: jobFunctionKeys, reason: reasons(DEFER_FAILURE) },
    JobFailed: { operation: jobFunctionKeys, reason: reasons(JOB_FAILURE) },
  };
}

export interface TerraformOperation {
  method: string;
  path: string;
  summary: string;
  /** The function key that serves it: its operationId. */
  function: string;
  /** Whether the bearer token authorizer guards it. */
  authorizer: boolean;
}

export interface CatalogueEntry {
  /** The metric's name, so HCL that picks an entry by key reads the name from it. */
  name: string;
  /** The dimensions it is published with besides the service dimension. */
  dimensions: readonly string[];
  /**
   * Each dimension set it can be published with (besides the service), when all its values are
   * fixed in code; null when one is filled in at deploy time.
   */
  series: Array<Record<string, string>> | null;
}

export interface TerraformData {
  api_title: string;
  authorizer_function: string;
  operations: Record<string, TerraformOperation>;
  functions: Record<string, FunctionFacts>;
  metrics: { service_dimension: string; catalogue: Record<string, CatalogueEntry> };
}

/** Every combination of one value per dimension, in the dimensions' order. */
function combinations(values: ReadonlyArray<readonly [string, readonly string[]]>): Array<Record<string, string>> {
  return values.reduce<Array<Record<string, string>>>(
    (partial, [dimension, options]) =>
      partial.flatMap((series) => options.map((value) => ({ ...series, [dimension]: value }))),
    [{}],
  );
}

export function metricCatalogue(
  functionKeys: readonly string[],
  jobFunctionKeys: readonly string[] = [],
): Record<string, CatalogueEntry> {
  const values = dimensionValues(functionKeys, jobFunctionKeys);
  return Object.fromEntries(
    Object.values(MetricName).map((name) => {
      const dimensions = METRIC_DIMENSIONS[name];
      const known = dimensions.map(
        (dimension) =>
          [dimension, (values[name] as Record<string, readonly string[] | typeof DEPLOYED_NAME>)[dimension]!] as const,
      );
      const fixed = known.every(([, set]) => set !== DEPLOYED_NAME);
      const series = fixed ? combinations(known as ReadonlyArray<readonly [string, readonly string[]]>) : null;
      return [name, { name, dimensions, series }];
    }),
  );
}

/**
 * Which CODE_FACTS hold for each function, from the modules esbuild resolves for its handler as
 * `make build` does (node_modules left out: only our own modules decide a fact).
 */
export async function functionFacts(functionKeys: readonly string[]): Promise<Record<string, FunctionFacts>> {
  const result = await build({
    entryPoints: Object.fromEntries(functionKeys.map((key) => [key, join(FUNCTIONS_DIR, key, 'handler.ts')])),
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    outdir: 'facts',
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    loader: TEXT_LOADERS,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.fromEntries(
    functionKeys.map((key) => {
      const inputs = Object.keys(result.metafile.outputs[`facts/${key}.js`]?.inputs ?? {});
      if (inputs.length === 0) throw new Error(`functions/${key}/handler.ts: esbuild reported no modules`);
      return [key, factsOf(inputs)];
    }),
  );
}

export async function buildTerraformData(
  doc: OpenApiDocument,
  operations: readonly Operation[],
): Promise<TerraformData> {
  const functionKeys = [...operations.map((op) => op.operationId), AUTHORIZER_FUNCTION];
  const title = (doc.info as { title?: unknown } | undefined)?.title;
  if (typeof title !== 'string') throw new Error('openapi.yaml: info.title must be a string');
  const functions = await functionFacts(functionKeys);
  const jobFunctionKeys = functionKeys.filter((key) => functions[key]!.defers_jobs);
  return {
    api_title: title,
    authorizer_function: AUTHORIZER_FUNCTION,
    operations: Object.fromEntries(
      operations.map((op) => [
        op.operationId,
        {
          method: op.method.toUpperCase(),
          path: op.path,
          summary: typeof op.operation.summary === 'string' ? op.operation.summary : op.operationId,
          function: op.operationId,
          authorizer: op.securitySchemes.includes(BEARER_SCHEME),
        },
      ]),
    ),
    functions,
    metrics: { service_dimension: SERVICE_DIMENSION, catalogue: metricCatalogue(functionKeys, jobFunctionKeys) },
  };
}
