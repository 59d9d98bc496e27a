import '../support/lambda-environment';
import { ValidationFailed } from '../../functions/shared/errors';
import { httpHandler } from '../../functions/shared/http-handler';
import { OUTCOME } from '../../functions/shared/outcomes';
import { restoreEnvAfterEach, setEnv } from '../support/env';
import { lambdaContext, proxyEvent } from '../support/events';
import { captureOutput } from '../support/output';

captureOutput();
restoreEnvAfterEach();

const echo = httpHandler('listUsers', async (_event, requestId) => ({ status: 200, body: { requestId }, outcome: OUTCOME.usersListed }));

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
    const failing = httpHandler('listUsers', () => Promise.reject(new ValidationFailed([{ path: 'limit', message: 'must be integer' }])));

    const response = await failing(proxyEvent({ path: '/users' }), lambdaContext());

    expect(response.statusCode).toBe(400);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(response.headers?.['Access-Control-Allow-Origin']).toBe('*');
  });
});
