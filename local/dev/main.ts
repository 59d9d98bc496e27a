/**
 * `make dev`: the whole API on localhost. Starts the embedded MongoDB (unless MONGODB_URI is set),
 * the local API Gateway over the built bundles, and a watcher that rebuilds and replaces functions
 * when their sources change. Settings: local/gateway/README.md.
 */
import { existsSync, watch } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { buildFunction, listFunctionKeys } from '../../scripts/build';
import { DEFINITION_TEMPLATE_PATH, DIST, FUNCTIONS_DIR, GENERATED_DIR, ROOT } from '../../scripts/paths';
import type { Api, Gateway } from '../gateway';
import {
  loadDefinition,
  localTemplateVariables,
  startGateway,
  TemplateError,
  UnsupportedDefinitionError,
} from '../gateway';
import { startMongo } from '../mongo';
import type { RunningMongo } from '../mongo';
import { EMAILS_PATH, OUTBOX_PATH, startOutbox } from '../outbox';
import type { Outbox } from '../outbox';
import type { DevConfig } from './config';
import { DevConfigError, LOCAL_STAGE, readDevConfig } from './config';
import { EmailLog } from './emails';
import { functionsAffectedBy } from './reload';
import {
  formatEmail,
  formatInvocationJson,
  formatInvocationPretty,
  formatJson,
  formatPretty,
  formatStrayLine,
  LOG_FORMATS,
} from './request-log';
import { describeDevSigningKey } from './signing-key';
import { watchFiles } from './watch';
import type { Watcher } from './watch';

const bundlePath = (key: string) => join(DIST, key, 'index.js');

function fail(message: string): never {
  console.error(`make dev: ${message}`);
  process.exit(1);
}

/** The definition as Terraform would render it, with local ARNs and this run's settings. */
function renderDefinition(config: DevConfig): Record<string, unknown> {
  return loadDefinition(
    localTemplateVariables({
      functionKeys: listFunctionKeys(),
      authorizerTtlSeconds: config.authorizerTtlSeconds,
      corsAllowOrigin: config.corsAllowOrigin,
    }),
  );
}

async function buildMissing(keys: readonly string[]): Promise<void> {
  const missing = keys.filter((key) => !existsSync(bundlePath(key)));
  for (const key of missing) {
    console.log(`building ${key} (no bundle in dist/)`);
    await buildFunction(key);
  }
}

function routeTable(api: Api, url: string, lambdaUrl: string, config: DevConfig): string {
  const rows = api.routes
    .filter((r) => r.integration.type === 'aws_proxy')
    .map((r) => [
      r.method,
      r.resourcePath,
      r.integration.type === 'aws_proxy' ? r.integration.functionKey : '',
      r.authorizer ? `${r.authorizer.functionKey} (TTL ${r.authorizer.ttlSeconds} s)` : '-',
    ]);
  const header = ['METHOD', 'PATH', 'FUNCTION', 'AUTHORIZER'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  const timeouts = Object.entries(config.functionTimeoutsMs).map(([k, ms]) => `${k} ${ms / 1000} s`);
  return [
    line(header),
    ...rows.map(line),
    `  OPTIONS on each path answers the CORS preflight (mock integration, allowed origin ${config.corsAllowOrigin}).`,
    `  Function timeout ${config.functionTimeoutMs / 1000} s${timeouts.length > 0 ? ` (${timeouts.join(', ')})` : ''}; ${config.maxInstances} instance(s) per function.`,
    `  Deferred jobs: the functions invoke themselves through the Lambda API at ${lambdaUrl}; each run is a λ line.`,
    '',
    `  Docs: ${url}/docs    Spec: ${url}/openapi.json`,
    `  Emails: ${url}${OUTBOX_PATH} (JSON at ${EMAILS_PATH}): nothing is sent; each email also shows under its request.`,
  ].join('\n');
}

async function main(): Promise<void> {
  let config: DevConfig;
  try {
    config = readDevConfig();
  } catch (error) {
    if (error instanceof DevConfigError) fail(error.message);
    throw error;
  }
  const color = config.logFormat === LOG_FORMATS.pretty && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const say = (text: string) => {
    // With LOG_FORMAT=json stdout carries JSON lines only; messages for people go to stderr.
    if (config.logFormat === LOG_FORMATS.json) console.error(text);
    else console.log(text);
  };

  let definition: Record<string, unknown>;
  try {
    definition = renderDefinition(config);
    await buildMissing(listFunctionKeys());
  } catch (error) {
    if (error instanceof TemplateError) fail(`${error.message} (run \`make generate\`)`);
    throw error;
  }

  let mongo: RunningMongo | undefined;
  let mongodbUri = config.mongodbUri;
  if (!mongodbUri) {
    mongo = await startMongo();
    mongodbUri = mongo.uri;
  }
  const print = (text: string) => console.log(text);
  const emailLog = new EmailLog((email) => print(formatEmail(email, config.logFormat, color)));
  let outbox: Outbox;
  try {
    outbox = await startOutbox({ onEmail: (email) => emailLog.received(email) });
  } catch (error) {
    await mongo?.stop();
    throw error;
  }
  const environment: Record<string, string> = {
    ...config.functionEnvironment,
    MONGODB_URI: mongodbUri,
    EMAIL_OUTBOX_URL: outbox.url,
  };

  let gateway: Gateway;
  try {
    gateway = await startGateway({
      definition,
      port: config.port,
      lambdaPort: config.lambdaPort,
      host: config.host,
      stage: LOCAL_STAGE,
      maxInstances: config.maxInstances,
      docs: true,
      localRoutes: [outbox.routes],
      resolveFunction: (key) => ({
        key,
        entry: bundlePath(key),
        timeoutMs: config.functionTimeoutsMs[key] ?? config.functionTimeoutMs,
        environment,
      }),
      onRequest: (record) => {
        const emails = emailLog.takeFor(record.requestId);
        print(config.logFormat === LOG_FORMATS.json ? formatJson(record, emails) : formatPretty(record, color, emails));
      },
      onInvocation: (record) =>
        print(
          config.logFormat === LOG_FORMATS.json ? formatInvocationJson(record) : formatInvocationPretty(record, color),
        ),
      onStrayLog: (line) => console.log(formatStrayLine(line, config.logFormat, color)),
    });
  } catch (error) {
    await outbox.close();
    await mongo?.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      const lambdaPortTaken = config.lambdaPort !== 0 && (error as { port?: number }).port === config.lambdaPort;
      fail(
        lambdaPortTaken
          ? `port ${config.lambdaPort} is already in use; stop what is using it or set LAMBDA_PORT to another port (0: any free one)`
          : `port ${config.port} is already in use; stop what is using it or set PORT to another port`,
      );
    }
    if (code === 'EACCES') fail(`port ${config.port} needs privileges this user lacks; set PORT to a port above 1023`);
    if (error instanceof UnsupportedDefinitionError) fail(error.message);
    throw error;
  }

  // The issuer is the API's public base URL, as in AWS: {issuer}/.well-known/openid-configuration resolves.
  environment.JWT_ISSUER ??= gateway.url;
  // Email links open the application; with none set, they point at this server, so they are at least readable.
  environment.APP_URL ??= gateway.url;
  say(
    `\nAuth API on ${gateway.url}  (stage ${LOCAL_STAGE}, ${mongo ? `embedded MongoDB at ${mongo.uri}` : 'MongoDB from MONGODB_URI'})`,
  );
  say(describeDevSigningKey(config.signingKey));
  say(`\n${routeTable(gateway.api, gateway.url, gateway.lambdaUrl, config)}`);
  say('\n  Watching functions/, generated/ and openapi.yaml. Ctrl-C stops.\n');

  const watchers = startWatching(config, gateway, say);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second Ctrl-C means now.
      process.exit(1);
    }
    stopping = true;
    say(`\n${signal}: stopping`);
    for (const w of watchers) w.close();
    await gateway.close();
    await outbox.close();
    await mongo?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** Rebuilds and replaces functions on source changes, reloads the definition, regenerates on contract edits. */
function startWatching(config: DevConfig, gateway: Gateway, say: (text: string) => void): Watcher[] {
  const onChange = async (files: string[]) => {
    const started = performance.now();
    if (files.includes(DEFINITION_TEMPLATE_PATH)) {
      try {
        gateway.reloadDefinition(renderDefinition(config));
        say(`↻ ${DEFINITION_TEMPLATE_PATH.slice(ROOT.length + 1)} changed: routes reloaded, authorizer cache flushed`);
      } catch (error) {
        say(`✗ the new definition cannot be served, keeping the previous one:\n${(error as Error).message}`);
      }
    }
    const keys = functionsAffectedBy(files, {
      root: ROOT,
      distDir: DIST,
      functionKeys: listFunctionKeys(),
      functionsDir: FUNCTIONS_DIR,
    });
    if (keys.length === 0) return;
    const results = await Promise.allSettled(keys.map((key) => buildFunction(key)));
    const built: string[] = [];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') built.push(keys[i]!);
      // esbuild has printed the errors with file and line; the running instances stay as they were.
      else
        say(
          `✗ ${keys[i]} did not build, still running the previous bundle (${(result.reason as Error).message.split('\n')[0]})`,
        );
    });
    if (built.length === 0) return;
    gateway.reloadFunctions(built);
    say(
      `↻ rebuilt ${built.join(', ')} in ${Math.round(performance.now() - started)} ms: the next call of each starts cold`,
    );
  };
  const watchers: Watcher[] = [
    watchFiles({
      dirs: [FUNCTIONS_DIR, GENERATED_DIR].filter((dir) => existsSync(dir)),
      onChange,
      onError: (error) => say(`✗ watching failed: ${(error as Error).message}`),
    }),
  ];

  // The contract is the source of generated/: regenerate, and the change above takes it from there.
  let generating = false;
  const contractWatcher = watch(ROOT, (_event, name) => {
    if (name !== 'openapi.yaml' || generating) return;
    generating = true;
    setTimeout(() => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'generate.ts')], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('close', (code) => {
        generating = false;
        say(
          code === 0
            ? `↻ openapi.yaml changed: ${output.trim()}`
            : `✗ openapi.yaml changed but does not generate:\n${output.trim()}`,
        );
      });
    }, 100);
  });
  watchers.push({ close: () => contractWatcher.close() });
  return watchers;
}

main().catch((error: unknown) => {
  console.error('make dev:', error instanceof Error ? error.message : error);
  process.exit(1);
});
