import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startLambdaStandIn } from '../../bench/lambda-stand-in';
import type { LambdaStandIn } from '../../bench/lambda-stand-in';

describe("the bench's stand-in for Lambda's Invoke", () => {
  let standIn: LambdaStandIn;
  let client: LambdaClient;

  beforeAll(async () => {
    standIn = await startLambdaStandIn();
    client = new LambdaClient({
      endpoint: standIn.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await standIn.close();
  });

  it('answers an Event invocation from the SDK with 202 and keeps its payload for the bench to run', async () => {
    const payload = JSON.stringify({ deferredJob: { kind: 'sendPasswordReset' } });

    const answer = await client.send(
      new InvokeCommand({ FunctionName: 'forgotPassword', InvocationType: 'Event', Payload: Buffer.from(payload) }),
    );

    expect(answer.StatusCode).toBe(202);
    expect(standIn.queued()).toBe(1);
    expect(standIn.takeQueued()).toEqual([{ functionName: 'forgotPassword', payload }]);
    expect(standIn.takeQueued()).toEqual([]);
    expect(standIn.queued()).toBe(1);
  });

  it('refuses a synchronous invocation, as the functions never make one, and counts the refusal', async () => {
    await expect(
      client.send(new InvokeCommand({ FunctionName: 'forgotPassword', Payload: Buffer.from('{}') })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });

    expect(standIn.refused()).toBe(1);
    expect(standIn.takeQueued()).toEqual([]);
  });

  it('answers any other request with a Lambda error instead of dropping the connection', async () => {
    const response = await fetch(`${standIn.url}/2015-03-31/functions`, { method: 'GET' });

    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(standIn.refused()).toBe(2);
  });
});
