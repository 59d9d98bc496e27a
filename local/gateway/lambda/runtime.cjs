'use strict';
/**
 * One Lambda execution environment: loads a function module once (the init phase of a cold start),
 * then runs one invocation at a time as the parent gateway sends them over IPC.
 *
 * Plain CommonJS on purpose: it runs under bare `node`, with no loader, like Lambda's own runtime.
 * Usage: fork(runtime.cjs, [<module path>, <export name>]).
 */
const { Buffer } = require('node:buffer');
const { basename } = require('node:path');
const { performance } = require('node:perf_hooks');
const { setImmediate } = require('node:timers');

/** Lambda's limit on a synchronous invocation's response. */
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

const [entry, exportName = 'handler'] = process.argv.slice(2);
let currentRequestId = null;

function send(message) {
  if (process.connected) process.send(message);
}

// Everything the function writes travels over the IPC channel, so it reaches the gateway in order
// with the invocation's result and lands under the right request.
for (const name of ['stdout', 'stderr']) {
  process[name].write = function write(chunk, encoding, callback) {
    const text =
      typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
    send({ type: 'log', stream: name, text });
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') setImmediate(done);
    return true;
  };
}

function describe(error) {
  if (error instanceof Error) {
    return {
      errorType:
        error.name && error.name !== 'Error' ? error.name : (error.constructor && error.constructor.name) || 'Error',
      errorMessage: error.message,
      stackTrace:
        typeof error.stack === 'string'
          ? error.stack
              .split('\n')
              .slice(1)
              .map((l) => l.trim())
          : [],
    };
  }
  return { errorType: typeof error, errorMessage: String(error), stackTrace: [] };
}

/** The runtime's own log line for a failure, in Lambda's JSON log format. */
function logRuntimeError(message, details) {
  process.stderr.write(
    `${JSON.stringify({ timestamp: new Date().toISOString(), level: 'ERROR', requestId: currentRequestId ?? undefined, message, ...details })}\n`,
  );
}

const initStart = performance.now();
let handler;
try {
  const loaded = require(entry);
  handler = loaded[exportName];
  if (typeof handler !== 'function') {
    const error = new Error(`${basename(entry).replace(/\.[cm]?js$/, '')}.${exportName} is undefined or not exported`);
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
} catch (error) {
  const details = describe(error);
  if (!details.errorType.startsWith('Runtime.')) details.errorType = `Runtime.ImportModuleError: ${details.errorType}`;
  logRuntimeError('Init Error', details);
  send({ type: 'initError', errorType: details.errorType, errorMessage: details.errorMessage });
}
if (handler) send({ type: 'ready', initDurationMs: performance.now() - initStart });

function fail(requestId, error, fatal) {
  const details = describe(error);
  logRuntimeError(fatal ? 'Uncaught Exception' : 'Invoke Error', details);
  send({ type: 'error', requestId, errorType: details.errorType, errorMessage: details.errorMessage });
}

function succeed(requestId, result) {
  let payload;
  try {
    payload = JSON.stringify(result === undefined ? null : result);
  } catch (error) {
    fail(requestId, error, false);
    return;
  }
  if (Buffer.byteLength(payload) > MAX_RESPONSE_BYTES) {
    const error = new Error(
      `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
    );
    error.name = 'Function.ResponseSizeTooLarge';
    fail(requestId, error, false);
    return;
  }
  send({ type: 'result', requestId, payload });
}

process.on('message', (message) => {
  if (!message || message.type !== 'invoke' || !handler) return;
  const { requestId, event, deadlineMs, functionName, invokedFunctionArn, memoryLimitInMB } = message;
  currentRequestId = requestId;
  let settled = false;
  const finish = (error, result) => {
    if (settled) return;
    settled = true;
    currentRequestId = null;
    if (error !== null && error !== undefined) fail(requestId, error, false);
    else succeed(requestId, result);
  };
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn,
    memoryLimitInMB: String(memoryLimitInMB),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, Math.round(deadlineMs - Date.now())),
    done: (error, result) => finish(error, result),
    succeed: (result) => finish(null, result),
    fail: (error) => finish(error ?? new Error('handled'), undefined),
  };
  try {
    const returned = handler(event, context, (error, result) => finish(error, result));
    if (returned && typeof returned.then === 'function') {
      returned.then(
        (result) => finish(null, result),
        (error) => finish(error ?? new Error('The handler rejected without a reason'), undefined),
      );
    } else if (handler.length < 3) {
      finish(null, returned);
    }
  } catch (error) {
    finish(error, undefined);
  }
});

// As in Lambda, an error escaping the handler's promise chain fails the invocation and ends the environment.
function crash(error, errorType) {
  const requestId = currentRequestId;
  const details = describe(error);
  if (errorType) details.errorType = errorType;
  logRuntimeError('Uncaught Exception', details);
  const exit = () => process.exit(129);
  // Exit only once the failure has reached the gateway: a message still queued would be lost.
  if (process.connected) {
    process.send(
      { type: 'error', requestId, errorType: details.errorType, errorMessage: details.errorMessage, fatal: true },
      exit,
    );
  } else {
    setImmediate(exit);
  }
}
process.on('uncaughtException', (error) => crash(error));
process.on('unhandledRejection', (reason) => crash(reason, 'Runtime.UnhandledPromiseRejection'));
process.on('disconnect', () => process.exit(0));
