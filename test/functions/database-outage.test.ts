import '../support/lambda-environment';
import mongoose from 'mongoose';
import type { Connection } from 'mongoose';
import { startMongo } from '../../local/mongo';
import type { RunningMongo } from '../../local/mongo';
import { handler as listUsersHandler } from '../../functions/listUsers/handler';
import { handler as registerHandler } from '../../functions/register/handler';
import { closeDatabase } from '../../functions/shared/db';
import { configureFunctions } from '../support/env';
import { proxyEvent } from '../support/events';
import { invokeHttp } from '../support/invoke';
import { captureOutput, requestLines } from '../support/output';

/**
 * The functions run against a server of this file's own, stopped and started again on the same
 * port, while the modules stay loaded: recovery must not need a cold start.
 */
const output = captureOutput();
let server: RunningMongo | undefined;
let port: number;

/** Quiet: the server logs closed connections, which this file causes on purpose. */
function start(): Promise<RunningMongo> {
  return startMongo({ port, log: () => undefined });
}

/** The functions' open connection: this file's only one. */
function liveConnection(): Connection {
  const live = mongoose.connections.filter(
    (connection) => connection.readyState === mongoose.ConnectionStates.connected,
  );
  expect(live).toHaveLength(1);
  return live[0]!;
}

function listUsers(requestId?: string) {
  return invokeHttp(
    'listUsers',
    listUsersHandler,
    proxyEvent({ path: '/users', ...(requestId === undefined ? {} : { requestId }) }),
  );
}

beforeAll(async () => {
  // Take a free port, then free it: the first invocation finds nothing listening there.
  const probe = await startMongo({ log: () => undefined });
  port = probe.port;
  await probe.stop();
  // Above the driver's 500 ms minimum between two checks of a server, so that a server back on its
  // port is found within one invocation's wait, as with the 2 s default in production.
  configureFunctions(`mongodb://127.0.0.1:${port}/outage`, { MONGODB_SERVER_SELECTION_TIMEOUT_MS: '1200' });
});

afterAll(async () => {
  await closeDatabase();
  await server?.stop();
});

describe('database outage', () => {
  it('answers 503 with Retry-After when the database is down at cold start', async () => {
    const { response, body, headers } = await listUsers('c0ffee00-0000-4000-8000-0000000000d1');

    expect(response.statusCode).toBe(503);
    expect(headers['Retry-After']).toBe('5');
    expect(body).toEqual({
      type: 'urn:auth-api:problem:unavailable',
      title: 'Service unavailable',
      status: 503,
      detail: 'The service is temporarily unavailable; try again shortly',
      requestId: 'c0ffee00-0000-4000-8000-0000000000d1',
    });
    expect(output.logs().find((line) => line.message === 'dependency unavailable')).toMatchObject({
      level: 'WARN',
      dependency: 'database',
    });
    expect(requestLines(output)[0]).toMatchObject({
      status: 503,
      outcome: 'dependency_unavailable',
      reason: 'database',
    });
    expect(output.metrics()).toContainEqual({
      name: 'HandlerError',
      dimensions: { service: 'auth-api', operation: 'listUsers', outcome: 'dependency_unavailable' },
      value: 1,
    });
  });

  it('connects on the next invocation once the database is up, without a cold start', async () => {
    server = await start();

    const { response } = await listUsers();

    expect(response.statusCode).toBe(200);
    expect(requestLines(output)[0]).toMatchObject({ cold_start: false, db_connection: 'new' });
  });

  it('answers 503 when the database goes away under a live connection', async () => {
    await invokeHttp(
      'register',
      registerHandler,
      proxyEvent({
        path: '/register',
        body: { name: 'Before', email: 'before@example.com', password: 'amber-lake-whistle' },
      }),
    );
    await server?.stop();
    server = undefined;

    const listed = await listUsers();
    const registered = await invokeHttp(
      'register',
      registerHandler,
      proxyEvent({
        path: '/register',
        body: { name: 'During', email: 'during@example.com', password: 'velvet-pine-compass' },
      }),
    );

    expect(listed.response.statusCode).toBe(503);
    expect(registered.response.statusCode).toBe(503);
    expect(registered.headers['Retry-After']).toBe('5');
  });

  it('works again on the next invocation once the database is back on the same port', async () => {
    server = await start();

    const registered = await invokeHttp(
      'register',
      registerHandler,
      proxyEvent({
        path: '/register',
        body: { name: 'After', email: 'after@example.com', password: 'granite-moth-violin' },
      }),
    );
    const listed = await listUsers();

    expect(registered.response.statusCode).toBe(201);
    expect(listed.response.statusCode).toBe(200);
    expect((listed.body.items as Array<{ name: string }>).map((item) => item.name)).toContain('After');
  });

  it('connects again on the next invocation after its connection is closed, without a cold start', async () => {
    await listUsers();
    await liveConnection().close();

    const { response } = await listUsers();

    expect(response.statusCode).toBe(200);
    expect(requestLines(output).at(-1)).toMatchObject({ cold_start: false, db_connection: 'new' });
  });

  it('drops a connection that reports an error, and connects again on the next invocation', async () => {
    await listUsers();
    const failed = liveConnection();
    failed.emit('error', new Error('connection failed'));

    const { response } = await listUsers();

    expect(response.statusCode).toBe(200);
    expect(requestLines(output).at(-1)).toMatchObject({ db_connection: 'new' });
    expect(liveConnection()).not.toBe(failed);
  });
});
