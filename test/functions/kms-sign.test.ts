/**
 * The KMS Sign call through the AWS SDK's own client, against a local stand-in for KMS that never
 * answers: the request timeout must end each attempt, so a login waits at most the attempts' time
 * and answers 503, instead of waiting until the function itself times out.
 */
import '../support/lambda-environment';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadKmsSign } from '../../functions/shared/token-signer';
import { setEnv } from '../support/env';

let server: Server;
let requests = 0;

beforeAll(async () => {
  server = createServer(() => {
    requests += 1;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  setEnv({
    AWS_ENDPOINT_URL_KMS: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
  setEnv({ AWS_ENDPOINT_URL_KMS: undefined, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
});

it('gives up on a KMS that never answers after the attempts, each ended by the request timeout', async () => {
  const sign = await loadKmsSign({ requestTimeoutMs: 200, connectionTimeoutMs: 200, maxAttempts: 2 });

  const failure = await sign({
    KeyId: 'alias/auth-api-test-1',
    Message: new Uint8Array(32),
    MessageType: 'DIGEST',
    SigningAlgorithm: 'ECDSA_SHA_256',
  }).then(
    () => undefined,
    (error: unknown) => error,
  );

  expect(failure).toBeInstanceOf(Error);
  expect(requests).toBe(2);
});
