/**
 * API Gateway reads an error whose message is exactly `Unauthorized` as "answer 401"; any other
 * error as an authorizer failure (500). So a refused token throws exactly that, and our own
 * failures (configuration, wiring) throw something else, never a Deny policy.
 */
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { TokenRejected } from '../shared/errors';
import { instrument } from '../shared/observability';
import { OUTCOME } from '../shared/outcomes';
import { authorize } from './authorize';
import type { AuthorizerResult } from './authorize';

export const UNAUTHORIZED = 'Unauthorized';

export const handler = instrument<APIGatewayTokenAuthorizerEvent, AuthorizerResult>({
  operation: 'authorizer',
  // A TOKEN event has no request context: the Lambda request id is the one to quote.
  requestIdOf: () => undefined,
  // Verification needs no I/O: the keys are in the configuration. A refusal thrown here is caught by the wrapper.
  run(event) {
    const result = authorize(event);
    return Promise.resolve({ result, summary: { status: 200, outcome: OUTCOME.allowed } });
  },
  recover(error, requestId) {
    if (error instanceof TokenRejected) throw new Error(UNAUTHORIZED);
    throw new Error(`Authorizer failed (request id: ${requestId})`);
  },
});
