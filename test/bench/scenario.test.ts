import { isCommonPassword, isPersonalPassword } from '../../functions/shared/password-policy';
import { methodArn, proxyEvent, tokenAuthorizerEvent } from '../../bench/events';
import { listFunctionKeys } from '../../scripts/build';
import { authorizerContext, firstEvent, NOT_COLD_MEASURED, parseRegistration } from '../../bench/scenario';
import type { Fixture } from '../../bench/scenario';

const fixture: Fixture = {
  userId: '6b0bb65fdb2018d985a02f24',
  email: 'a@example.com',
  password: 'pw',
  token: 'jwt',
  sessionId: '6b0bb65fdb2018d985a02f25',
  tokenExp: 4_102_444_800,
  refreshTokens: ['r'.repeat(43)],
  originalToken: 'old',
};

describe('events', () => {
  it('builds a proxy event with a JSON body, its content type and both header forms', () => {
    const event = proxyEvent({ method: 'POST', resource: '/login', body: { email: 'a@example.com' } });
    expect(event.body).toBe('{"email":"a@example.com"}');
    expect(event.headers['Content-Type']).toBe('application/json');
    expect(event.multiValueHeaders['Content-Type']).toEqual(['application/json']);
    expect(event.queryStringParameters).toBeNull();
    expect(event.requestContext.resourcePath).toBe('/login');
  });

  it('leaves body and content type out of a request without a body, and passes the query on', () => {
    const event = proxyEvent({ method: 'GET', resource: '/users', query: { limit: '5' } });
    expect(event.body).toBeNull();
    expect(event.headers['Content-Type']).toBeUndefined();
    expect(event.multiValueQueryStringParameters).toEqual({ limit: ['5'] });
  });

  it('builds a TOKEN authorizer event for a method ARN', () => {
    expect(tokenAuthorizerEvent('Bearer x')).toEqual({
      type: 'TOKEN',
      authorizationToken: 'Bearer x',
      methodArn: methodArn('GET', '/me'),
    });
    expect(methodArn('GET', '/me')).toMatch(/^arn:aws:execute-api:us-east-1:\d{12}:\w+\/bench\/GET\/me$/);
  });
});

describe('firstEvent', () => {
  it('registers a new, valid email each time', () => {
    const a = JSON.parse(String(proxyOf(firstEvent('register', fixture, 'run-1:a')).body)) as { email: string };
    const b = JSON.parse(String(proxyOf(firstEvent('register', fixture, 'run-1:b')).body)) as { email: string };
    expect(a.email).not.toBe(b.email);
    expect(a.email).toMatch(/^[a-z0-9-]+@example\.com$/i);
  });

  it('registers with a password the policy accepts, so a cold start looks it up on the list and goes on', () => {
    const user = JSON.parse(String(proxyOf(firstEvent('register', fixture, 'run-1:a')).body)) as {
      name: string;
      email: string;
      password: string;
    };
    // The personal check comes first: a password refused there would never reach the list.
    expect(isPersonalPassword(user.password, user)).toBe(false);
    expect(isCommonPassword(user.password)).toBe(false);
  });

  it("calls me with the authorizer's context and the authorizer with our bearer token", () => {
    expect(proxyOf(firstEvent('me', fixture, 'x')).requestContext.authorizer).toEqual(authorizerContext(fixture));
    expect(firstEvent('authorizer', fixture, 'x')).toMatchObject({ authorizationToken: 'Bearer jwt' });
  });

  it('has a first event for every function whose cold start make bench measures', () => {
    const measured = listFunctionKeys().filter((key) => !(NOT_COLD_MEASURED as readonly string[]).includes(key));
    const withoutEvent = measured.filter((key) => {
      try {
        firstEvent(key, { ...fixture, refreshTokens: ['r'.repeat(43)] }, 'x');
        return false;
      } catch {
        return true;
      }
    });
    expect(withoutEvent).toEqual([]);
  });

  it('asks for a reset link for the registered email, and a verification email as its signed-in user', () => {
    expect(JSON.parse(String(proxyOf(firstEvent('forgotPassword', fixture, 'x')).body))).toEqual({
      email: fixture.email,
    });
    expect(proxyOf(firstEvent('sendEmailVerification', fixture, 'x')).requestContext.authorizer).toEqual(
      authorizerContext(fixture),
    );
  });

  it('refuses a function it has no event for', () => {
    expect(() => firstEvent('deleteUser', fixture, 'x')).toThrow("no benchmark event for function 'deleteUser'");
  });

  function proxyOf(
    event: unknown,
  ): Record<string, unknown> & { body: unknown; requestContext: Record<string, unknown> } {
    return event as Record<string, unknown> & { body: unknown; requestContext: Record<string, unknown> };
  }
});

describe('parseRegistration', () => {
  it('takes the token and user id from a 201', () => {
    const body = JSON.stringify({ auth: true, token: 't', user: { id: 'u1' } });
    expect(parseRegistration({ statusCode: 201, body })).toEqual({ token: 't', userId: 'u1' });
  });

  it('says what came back when it is not a registration', () => {
    expect(() => parseRegistration({ statusCode: 409, body: '{}' })).toThrow(
      'register did not answer 201 with a body: {"statusCode":409',
    );
    expect(() => parseRegistration({ statusCode: 201, body: '{"auth":true}' })).toThrow(
      "register's body has no token and user id",
    );
    expect(() => parseRegistration(undefined)).toThrow('register did not answer 201');
  });
});
