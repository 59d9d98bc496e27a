/**
 * What the benchmark invokes: a user registered through our own register function, its token, and
 * for each function a realistic first event. Also the tutorial's token, signed as the tutorial did.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
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
  const host = await Host.start('register (fixture)', bundlePath('register'), 'handler', functionEnvironment(config, 'register'));
  try {
    const { first } = await host.run({ event: proxyEvent({ method: 'POST', resource: '/register', body: user }), count: 1 });
    const { token, userId } = parseRegistration(first.result);
    const originalToken = jwt.sign({ id: userId }, config.jwtSecret, { expiresIn: 86400 });
    return { userId, email: user.email, password: user.password, token, originalToken };
  } finally {
    await host.stop();
  }
}

/** What API Gateway passes to a function behind the authorizer. */
export function authorizerContext(userId: string): Record<string, string> {
  return { principalId: userId, userId };
}

/** The first event a function answers on a cold start; `unique` keeps register's emails apart. */
export function firstEvent(key: string, fixture: Fixture, unique: string): unknown {
  switch (key) {
    case 'register':
      return proxyEvent({ method: 'POST', resource: '/register', body: benchUser(`cold-${unique.replace(/[^A-Za-z0-9]+/g, '-')}`, BENCH_PASSWORD) });
    case 'login':
      return proxyEvent({ method: 'POST', resource: '/login', body: { email: fixture.email, password: fixture.password } });
    case 'me':
      return proxyEvent({ method: 'GET', resource: '/me', authorizer: authorizerContext(fixture.userId) });
    case 'listUsers':
      return proxyEvent({ method: 'GET', resource: '/users' });
    case 'authorizer':
      return tokenAuthorizerEvent(`Bearer ${fixture.token}`);
    default:
      throw new Error(`no benchmark event for function '${key}'; add one in bench/scenario.ts`);
  }
}
