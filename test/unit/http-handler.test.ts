import '../support/lambda-environment';
import { InvalidCredentials, ValidationFailed } from '../../functions/shared/errors';
import { httpHandler } from '../../functions/shared/http-handler';
import { OUTCOME } from '../../functions/shared/outcomes';
import { restoreEnvAfterEach, setEnv } from '../support/env';
import { lambdaContext, proxyEvent } from '../support/events';
import { MetricName } from '../../functions/shared/observability';
import { captureOutput, metricNames } from '../support/output';

const output = captureOutput();
restoreEnvAfterEach();

const echo = httpHandler('listUsers', async (_event, requestId) => ({
  status: 200,
  body: { requestId },
  outcome: OUTCOME.usersListed,
}));

describe('httpHandler', () => {
  beforeEach(() => setEnv({ CORS_ALLOW_ORIGIN: undefined }));

  it('answers JSON with the API Gateway request id and the default CORS origin', async () => {
    const response = await echo(proxyEvent({ path: '/users', requestId: 'abc-123' }), lambdaContext());

    expect(response).toEqual({
      statusCode: 200,
      headers: {
        'Content-Type': 'application/json',
        'X-Request-Id': 'abc-123',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        Vary: 'Origin',
        'Access-Control-Expose-Headers': 'X-Request-Id,x-amzn-RequestId,Retry-After,WWW-Authenticate',
        'Access-Control-Allow-Origin': '*',
      },
      body: '{"requestId":"abc-123"}',
    });
  });

  it.each([
    ['is missing', undefined],
    ['could inject a header', 'abc\r\nSet-Cookie: x=1'],
    ['is too long', 'a'.repeat(129)],
  ])('uses the Lambda request id when the event request id %s', async (_what, requestId) => {
    const event = proxyEvent({ path: '/users' });
    (event.requestContext as { requestId?: string }).requestId = requestId;
    const context = lambdaContext();

    const response = await echo(event, context);

    expect(response.headers?.['X-Request-Id']).toBe(context.awsRequestId);
  });

  it('answers a problem as application/problem+json', async () => {
    const failing = httpHandler('listUsers', () =>
      Promise.reject(new ValidationFailed([{ path: 'limit', message: 'must be integer' }])),
    );

    const response = await failing(proxyEvent({ path: '/users' }), lambdaContext());

    expect(response.statusCode).toBe(400);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(response.headers?.['Access-Control-Allow-Origin']).toBe('*');
  });

  describe('with a request parsed first', () => {
    const refuse = (): never => {
      throw new ValidationFailed([{ path: '/email', message: 'must be an email address' }]);
    };

    it('counts the rejected metric and runs no logic when parsing refuses the request', async () => {
      const logic = jest.fn();
      const handler = httpHandler('login', logic, { parse: refuse, rejectedMetric: MetricName.LoginRejected });

      const response = await handler(proxyEvent({ path: '/login' }), lambdaContext());

      expect(response.statusCode).toBe(400);
      expect(logic).not.toHaveBeenCalled();
      expect(metricNames(output)).toEqual(['LoginRejected']);
    });

    it('hands the parsed request to the logic, and counts no rejection when the logic refuses afterwards', async () => {
      const logic = jest.fn((_request: { email: string }) => Promise.reject(new InvalidCredentials()));
      const handler = httpHandler('login', logic, {
        parse: () => ({ email: 'ada@example.com' }),
        rejectedMetric: MetricName.LoginRejected,
      });

      const response = await handler(proxyEvent({ path: '/login', requestId: 'abc-123' }), lambdaContext());

      expect(response.statusCode).toBe(401);
      expect(logic).toHaveBeenCalledWith({ email: 'ada@example.com' }, expect.anything(), 'abc-123');
      expect(metricNames(output)).toEqual([]);
    });
  });
});
