'use strict';
/**
 * Runs one handler module the way Lambda's Node runtime does, for `make bench`. Plain CommonJS under
 * bare `node` on purpose: a loader such as tsx would add its own start-up time to every cold start.
 *
 *   node host.cjs cold <module> <export>    loads the module, answers one invocation (the event is the
 *                                           BENCH_EVENT variable; none: load only), writes timings as
 *                                           JSON to file descriptor 3 and exits
 *   fork(host.cjs, [serve, <module>, <export>])
 *                                           loads the module, then runs the batches of invocations the
 *                                           parent sends over IPC, timing each inside this process
 *
 * An invocation succeeds when it neither throws nor calls back with an error, and its result is not
 * a failure by the usual conventions: a statusCode outside 2xx, a policy that does not Allow, the
 * string 'Unauthorized' (the tutorial's authorizer), or `false` (a failed password comparison).
 */
const { randomUUID } = require('node:crypto');
const { writeSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

const [mode, entry, exportName = 'handler'] = process.argv.slice(2);

function context(functionName) {
  const deadline = Date.now() + 30_000;
  return {
    awsRequestId: randomUUID(),
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
}

/** Calls an async or a callback-style handler and settles with its outcome. */
function invoke(handler, event) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome) => {
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    const callback = (error, result) => (error ? settle({ error: describe(error) }) : settle({ result }));
    try {
      const returned = handler(event, context(process.env.AWS_LAMBDA_FUNCTION_NAME || 'bench'), callback);
      if (returned && typeof returned.then === 'function') {
        // A callback-style handler may return a promise of nothing while its callback is still to come.
        returned.then(
          (result) => {
            if (result !== undefined || handler.length < 3) settle({ result });
          },
          (error) => settle({ error: describe(error) }),
        );
      }
    } catch (error) {
      settle({ error: describe(error) });
    }
  });
}

function describe(error) {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Why an outcome is a failure, or undefined when it succeeded. */
function failure(outcome) {
  if ('error' in outcome) return outcome.error;
  const result = outcome.result;
  if (result === false) return 'returned false';
  if (result === 'Unauthorized') return 'Unauthorized';
  if (result && typeof result === 'object') {
    if (typeof result.statusCode === 'number' && (result.statusCode < 200 || result.statusCode > 299)) {
      return `status ${result.statusCode}: ${typeof result.body === 'string' ? result.body.slice(0, 300) : ''}`;
    }
    const statements = result.policyDocument && result.policyDocument.Statement;
    if (Array.isArray(statements) && !statements.some((s) => s.Effect === 'Allow')) return 'policy does not allow';
  }
  return undefined;
}

function load() {
  const started = performance.now();
  const handler = require(entry)[exportName];
  const requireMs = performance.now() - started;
  if (typeof handler !== 'function') throw new Error(`${entry} does not export a function named ${exportName}`);
  return { handler, requireMs };
}

async function cold() {
  const { handler, requireMs } = load();
  const report = { requireMs };
  if (process.env.BENCH_EVENT) {
    const started = performance.now();
    const outcome = await invoke(handler, JSON.parse(process.env.BENCH_EVENT));
    report.invokeMs = performance.now() - started;
    report.failure = failure(outcome);
  }
  // performance.now() counts from the process's own start, so this is start-to-answer seen from inside.
  report.sinceStartMs = performance.now();
  // The work the process did to get here: other processes' load changes it far less than elapsed time.
  const cpu = process.cpuUsage();
  report.cpuMs = (cpu.user + cpu.system) / 1000;
  writeSync(3, JSON.stringify(report));
  process.exit(0);
}

/**
 * One batch: the events in order (`events`), or one event `count` times. Returns the total time, each
 * invocation's time when asked, the first result (to check what the handler answered), and failures.
 */
async function batch(handler, message) {
  const events = message.events || [];
  const count = message.events ? events.length : message.count;
  const durations = message.durations ? new Array(count) : undefined;
  const failureSamples = [];
  let failures = 0;
  let first;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const event = message.events ? events[i] : message.event;
    const before = performance.now();
    const outcome = await invoke(handler, event);
    if (durations) durations[i] = performance.now() - before;
    if (i === 0) first = outcome;
    const why = failure(outcome);
    if (why !== undefined) {
      failures += 1;
      if (failureSamples.length < 3) failureSamples.push(why);
    }
  }
  const totalMs = performance.now() - started;
  return { totalMs, durations, first, failures, failureSamples };
}

function serve() {
  let handler;
  try {
    ({ handler } = load());
  } catch (error) {
    process.send({ type: 'initError', error: describe(error) });
    return;
  }
  process.on('message', (message) => {
    batch(handler, message).then(
      (outcome) => process.send({ type: 'batch', id: message.id, ...outcome }),
      (error) => process.send({ type: 'batch', id: message.id, crashed: describe(error) }),
    );
  });
  process.send({ type: 'ready' });
}

if (mode === 'cold') {
  cold().catch((error) => {
    writeSync(3, JSON.stringify({ crashed: describe(error) }));
    process.exit(1);
  });
} else if (mode === 'serve') {
  serve();
} else {
  process.stderr.write(`usage: host.cjs cold|serve <module> [export], got '${mode}'\n`);
  process.exit(2);
}
