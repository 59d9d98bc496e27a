/**
 * What the benchmark invokes: a user registered through our own register function, its token, and
 * for each function a realistic first event. Also the tutorial's token, signed as the tutorial did.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { MongoClient, ObjectId } from 'mongodb';
import { DIST } from '../scripts/paths';
import type { BenchConfig } from './environment';
import { functionEnvironment } from './environment';
import { benchUser, proxyEvent, tokenAuthorizerEvent } from './events';
import { Host } from './processes';

export const BENCH_PASSWORD = 'correct horse battery staple';

export interface Fixture {
  userId: string;
  email: string;
  password: string;
  /** Our token for the user, as register returned it. */
  token: string;
  /** The session register started, and the token's expiry, as the authorizer passes them on. */
  sessionId: string;
  tokenExp: number;
  /** Live sessions' refresh tokens, seeded for cold starts of refreshToken (each is used once). */
  refreshTokens: string[];
  /** A token as the tutorial's register signed it: `{ id }`, 24 hours, the string secret. */
  originalToken: string;
}

/** The deployed artifact of a function, as `make build` wrote it. */
export function bundlePath(key: string): string {
  return join(DIST, key, 'index.js');
}

interface RegisterBody {
  token?: unknown;
  user?: { id?: unknown };
}

/** The token and user id out of a register response, or an error saying what was missing. */
export function parseRegistration(result: unknown): { token: string; userId: string } {
  const response = result as { statusCode?: unknown; body?: unknown } | undefined;
  if (!response || response.statusCode !== 201 || typeof response.body !== 'string') {
    throw new Error(`register did not answer 201 with a body: ${JSON.stringify(result)?.slice(0, 400)}`);
  }
  const body = JSON.parse(response.body) as RegisterBody;
  if (typeof body.token !== 'string' || typeof body.user?.id !== 'string') {
    throw new Error(`register's body has no token and user id: ${response.body.slice(0, 400)}`);
  }
  return { token: body.token, userId: body.user.id };
}

/** Registers one user through the register bundle, the way a client would get its first token. */
export async function createFixture(config: BenchConfig): Promise<Fixture> {
  const user = benchUser(`fixture-${randomUUID()}`, BENCH_PASSWORD);
  const host = await Host.start(
    'register (fixture)',
    bundlePath('register'),
    'handler',
    functionEnvironment(config, 'register'),
  );
  try {
    const { first } = await host.run({
      event: proxyEvent({ method: 'POST', resource: '/register', body: user }),
      count: 1,
    });
    const { token, userId } = parseRegistration(first.result);
    const claims = jwt.decode(token) as { sid: string; exp: number };
    const originalToken = jwt.sign({ id: userId }, config.jwtSecret, { expiresIn: 86400 });
    const refreshTokens = await seedRefreshTokens(config, userId, COLD_REFRESH_TOKENS);
    return {
      userId,
      email: user.email,
      password: user.password,
      token,
      sessionId: claims.sid,
      tokenExp: claims.exp,
      refreshTokens,
      originalToken,
    };
  } finally {
    await host.stop();
  }
}

const DAY_MS = 86_400_000;

/** Live sessions of the user with known refresh tokens, written as the functions write them. */
export async function seedRefreshTokens(config: BenchConfig, userId: string, count: number): Promise<string[]> {
  const tokens = Array.from({ length: count }, () => randomBytes(32).toString('base64url'));
  const client = await MongoClient.connect(config.mongoUri);
  try {
    const now = Date.now();
    await client
      .db()
      .collection('sessions')
      .insertMany(
        tokens.map((token) => ({
          userId: new ObjectId(userId),
          tokenHash: createHash('sha256').update(token).digest('hex'),
          previousTokenHash: null,
          rotatedAt: null,
          previousTokenReused: false,
          createdAt: new Date(now),
          lastUsedAt: new Date(now),
          absoluteExpiresAt: new Date(now + 30 * DAY_MS),
          expiresAt: new Date(now + 7 * DAY_MS),
          userAgent: 'bench',
          ipAddress: '127.0.0.1',
          revokedAt: null,
          revokeReason: null,
        })),
      );
  } finally {
    await client.close();
  }
  return tokens;
}

/** Enough refresh tokens for every cold start of refreshToken a full run makes. */
const COLD_REFRESH_TOKENS = 100;

/** What API Gateway passes to a function behind the authorizer: its context values as strings. */
export function authorizerContext(fixture: Pick<Fixture, 'userId' | 'sessionId' | 'tokenExp'>): Record<string, string> {
  return { principalId: fixture.userId, userId: fixture.userId, sid: fixture.sessionId, exp: String(fixture.tokenExp) };
}

/**
 * Functions whose cold start is not measured: each ends a session or an account, which would
 * leave the fixture's user unable to run the rest; they load the same shared code as listSessions.
 * Redeeming an emailed link would need a fresh link per run and changes the user too: a reset ends
 * every session, a verified email makes sendEmailVerification refuse; they load what
 * sendEmailVerification loads.
 */
export const NOT_COLD_MEASURED = [
  'logout',
  'revokeSession',
  'revokeAllSessions',
  'changePassword',
  'deleteMe',
  'resetPassword',
  'verifyEmail',
] as const;

/** The first event a function answers on a cold start; `unique` keeps register's emails apart. */
export function firstEvent(key: string, fixture: Fixture, unique: string): unknown {
  switch (key) {
    case 'register':
      return proxyEvent({
        method: 'POST',
        resource: '/register',
        body: benchUser(`cold-${unique.replace(/[^A-Za-z0-9]+/g, '-')}`, BENCH_PASSWORD),
      });
    case 'login':
      return proxyEvent({
        method: 'POST',
        resource: '/login',
        body: { email: fixture.email, password: fixture.password },
      });
    case 'me':
      return proxyEvent({ method: 'GET', resource: '/me', authorizer: authorizerContext(fixture) });
    case 'listSessions':
      return proxyEvent({ method: 'GET', resource: '/me/sessions', authorizer: authorizerContext(fixture) });
    case 'refreshToken': {
      const refreshToken = fixture.refreshTokens.pop();
      if (refreshToken === undefined) throw new Error('the fixture has no refresh token left for another cold start');
      return proxyEvent({ method: 'POST', resource: '/token/refresh', body: { refreshToken } });
    }
    case 'forgotPassword':
      return proxyEvent({ method: 'POST', resource: '/password/forgot', body: { email: fixture.email } });
    case 'sendEmailVerification':
      return proxyEvent({
        method: 'POST',
        resource: '/me/email/verification',
        authorizer: authorizerContext(fixture),
      });
    case 'listUsers':
      return proxyEvent({ method: 'GET', resource: '/users' });
    case 'authorizer':
      return tokenAuthorizerEvent(`Bearer ${fixture.token}`);
    case 'getJwks':
      return proxyEvent({ method: 'GET', resource: '/.well-known/jwks.json' });
    case 'getOpenIdConfiguration':
      return proxyEvent({ method: 'GET', resource: '/.well-known/openid-configuration' });
    default:
      throw new Error(`no benchmark event for function '${key}'; add one in bench/scenario.ts`);
  }
}
