import '../support/lambda-environment';
import { ObjectId } from 'mongodb';
import { handler as meHandler } from '../../functions/me/handler';
import { handler as registerHandler } from '../../functions/register/handler';
import { useFunctionDatabase } from '../support/function-database';
import { CLOCK_TOLERANCE_SECONDS } from '../../functions/shared/caller';
import { authorizedAs, authorizedBy, FAR_FUTURE_EXP, proxyEvent } from '../support/events';
import type { ProxyRequest } from '../support/events';
import { invokeHttp } from '../support/invoke';
import { captureOutput, metricNames, requestLines } from '../support/output';

const database = useFunctionDatabase('me');
const output = captureOutput();

const ada = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery-staple' };
let adaUser: { id: string; name: string; email: string; createdAt: string };
let adaToken: string;
let adaSession: string;

function me(request: Partial<ProxyRequest> = {}) {
  return invokeHttp('me', meHandler, proxyEvent({ path: '/me', ...request }));
}

beforeAll(async () => {
  const registered = await invokeHttp('register', registerHandler, proxyEvent({ path: '/register', body: ada }));
  adaUser = registered.body.user as typeof adaUser;
  adaToken = registered.body.token as string;
  adaSession = authorizedBy(adaToken).sid!;
});

describe('me', () => {
  it('answers 200 with the user the authorizer identified', async () => {
    const { response, body } = await me({ authorizer: authorizedBy(adaToken) });

    expect(response.statusCode).toBe(200);
    expect(body).toEqual(adaUser);
  });

  it('answers 401 for a token past its expiry even though the authorizer allowed it (a cached Allow)', async () => {
    const expired = Math.floor(Date.now() / 1000) - CLOCK_TOLERANCE_SECONDS;

    const { response, body, headers } = await me({ authorizer: authorizedAs(adaUser.id, adaSession, expired) });

    expect(response.statusCode).toBe(401);
    expect(body).toEqual({
      type: 'urn:auth-api:problem:unauthorized',
      title: 'Unauthorized',
      status: 401,
      detail: 'A valid access token is required',
    });
    expect(headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
    expect(requestLines(output)[0]).toMatchObject({ status: 401, outcome: 'token_rejected', reason: 'expired' });
  });

  it("accepts a token within the authorizer's clock tolerance of its expiry", async () => {
    const justExpired = Math.floor(Date.now() / 1000) - CLOCK_TOLERANCE_SECONDS + 2;

    const { response } = await me({ authorizer: authorizedAs(adaUser.id, adaSession, justExpired) });

    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['no token expiry', { principalId: 'x', userId: 'x', sid: 'x' }],
    ['a token expiry that is not a number', { principalId: 'x', userId: 'x', sid: 'x', exp: 'tomorrow' }],
    ['no user id', { principalId: 'x', sid: 'x', exp: String(FAR_FUTURE_EXP) }],
    ['no session id', { principalId: 'x', userId: 'x', exp: String(FAR_FUTURE_EXP) }],
  ])(
    'answers 500 for an authorizer context with %s, since only a broken deployment sends that',
    async (_what, authorizer) => {
      const { response } = await me({ authorizer });

      expect(response.statusCode).toBe(500);
    },
  );

  it('ignores any user id the client sends itself', async () => {
    const other = await invokeHttp(
      'register',
      registerHandler,
      proxyEvent({
        path: '/register',
        body: { name: 'Mallory', email: 'mallory@example.com', password: 'crimson-owl-parade' },
      }),
    );
    const malloryId = (other.body.user as { id: string }).id;

    const { body } = await me({
      authorizer: authorizedBy(other.body.token as string),
      headers: { 'X-User-Id': adaUser.id, userId: adaUser.id },
      query: { userId: adaUser.id },
    });

    expect(body.id).toBe(malloryId);
  });

  it('answers 404 when the token outlived its user', async () => {
    const gone = await invokeHttp(
      'register',
      registerHandler,
      proxyEvent({ path: '/register', body: { name: 'Gone', email: 'gone@example.com', password: 'soon-deleted' } }),
    );
    const goneId = (gone.body.user as { id: string }).id;
    await database.users().deleteOne({ _id: new ObjectId(goneId) });

    const { response, body } = await me({ authorizer: authorizedBy(gone.body.token as string) });

    expect(response.statusCode).toBe(404);
    expect(body).toEqual({
      type: 'urn:auth-api:problem:user-not-found',
      title: 'User not found',
      status: 404,
      detail: 'The user this token was issued to no longer exists',
    });
  });

  it("answers 401 when the session is not the user's", async () => {
    const { response } = await me({ authorizer: authorizedAs('665f1c2a9e4b3c0012abcdef', adaSession) });

    expect(response.statusCode).toBe(401);
  });

  it('answers 401 once the session is revoked, though the access token is unexpired', async () => {
    const registered = await invokeHttp(
      'register',
      registerHandler,
      proxyEvent({
        path: '/register',
        body: { name: 'Revoked', email: 'revoked@example.com', password: 'silver-fern-harbor' },
      }),
    );
    const authorizer = authorizedBy(registered.body.token as string);
    await database.sessions().updateOne({ _id: new ObjectId(authorizer.sid) }, { $set: { revokedAt: new Date() } });

    const { response, body, headers } = await me({ authorizer });

    expect(response.statusCode).toBe(401);
    expect(body).toMatchObject({ type: 'urn:auth-api:problem:unauthorized' });
    expect(headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
    expect(requestLines(output).at(-1)).toMatchObject({
      status: 401,
      outcome: 'token_rejected',
      reason: 'session_ended',
    });
  });

  it('answers 500 without an authorizer context, since only a broken deployment sends that', async () => {
    const { response, body, headers } = await me({
      authorizer: null,
      requestId: 'c0ffee00-0000-4000-8000-00000000000a',
    });

    expect(response.statusCode).toBe(500);
    expect(body).toEqual({
      type: 'urn:auth-api:problem:internal',
      title: 'Internal error',
      status: 500,
      detail: 'Internal error (request id: c0ffee00-0000-4000-8000-00000000000a)',
      requestId: 'c0ffee00-0000-4000-8000-00000000000a',
    });
    expect(headers['X-Request-Id']).toBe('c0ffee00-0000-4000-8000-00000000000a');
    const failure = output.logs().find((line) => line.message === 'request failed');
    expect(failure).toMatchObject({ level: 'ERROR', correlation_id: 'c0ffee00-0000-4000-8000-00000000000a' });
    expect(JSON.stringify(failure)).toContain('requestContext.authorizer');
    expect(requestLines(output)[0]).toMatchObject({ status: 500, outcome: 'integration_error' });
    expect(output.metrics()).toContainEqual({
      name: 'HandlerError',
      dimensions: { service: 'auth-api', operation: 'me', outcome: 'integration_error' },
      value: 1,
    });
  });

  it('reports a reused connection', async () => {
    await me({ authorizer: authorizedBy(adaToken) });

    expect(metricNames(output)).toEqual(['DbConnectionReused']);
    expect(requestLines(output)[0]).toMatchObject({
      operation: 'me',
      status: 200,
      outcome: 'user_found',
      db_connection: 'reused',
    });
  });
});
