/**
 * REFRESH_REUSE_INTERVAL: a client whose refresh answer was lost may retry with the previous
 * token once, within the interval. Its own file: configuration is read once per instance.
 */
import '../support/lambda-environment';
import { handler as refreshHandler } from '../../functions/refreshToken/handler';
import { handler as registerHandler } from '../../functions/register/handler';
import { useTestClock } from '../support/clock';
import { setEnv } from '../support/env';
import { proxyEvent } from '../support/events';
import { useFunctionDatabase } from '../support/function-database';
import { invokeHttp } from '../support/invoke';

useFunctionDatabase('refresh-reuse-interval');
const clock = useTestClock();

beforeAll(() => setEnv({ REFRESH_REUSE_INTERVAL: '10' }));

let counter = 0;
async function newRefreshToken(): Promise<string> {
  counter += 1;
  const { body } = await invokeHttp(
    'register',
    registerHandler,
    proxyEvent({
      path: '/register',
      body: { name: 'Retry', email: `retry${counter}@example.com`, password: 'lunar-basil-anchor' },
    }),
  );
  return body.refreshToken as string;
}

const refresh = (refreshToken: string) =>
  invokeHttp('refreshToken', refreshHandler, proxyEvent({ path: '/token/refresh', body: { refreshToken } }));

describe('with REFRESH_REUSE_INTERVAL=10', () => {
  it('accepts the previous token once within the interval; the token of the lost answer then stops working', async () => {
    const original = await newRefreshToken();
    const lost = await refresh(original);

    const retried = await refresh(original);
    const again = await refresh(original);

    expect(retried.response.statusCode).toBe(200);
    expect(again.response.statusCode).toBe(401);
    expect((await refresh(lost.body.refreshToken as string)).response.statusCode).toBe(401);
  });

  it('treats the previous token as reused after the interval, ending the session', async () => {
    const original = await newRefreshToken();
    const next = await refresh(original);
    clock.advance(11);

    expect((await refresh(original)).response.statusCode).toBe(401);
    expect((await refresh(next.body.refreshToken as string)).response.statusCode).toBe(401);
  });

  it('lets a retry keep the session going: the retried answer refreshes on', async () => {
    const original = await newRefreshToken();
    await refresh(original);
    const retried = await refresh(original);

    expect((await refresh(retried.body.refreshToken as string)).response.statusCode).toBe(200);
  });
});
