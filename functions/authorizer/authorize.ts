/**
 * The TOKEN authorizer: verifies the bearer token and allows the whole stage for its user.
 * A refused token is a TokenRejected (the handler turns it into API Gateway's `Unauthorized`).
 */
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { AUTHORIZER_CONTEXT } from '../shared/caller';
import { IntegrationError, TOKEN_REJECTION, TokenRejected } from '../shared/errors';
import { countMetric, MetricName } from '../shared/observability';
import { tokenVerifier } from '../shared/tokens';
import type { VerifiedToken } from '../shared/tokens';
import { stageResource } from './method-arn';

/** What API Gateway passes on to the integration as `requestContext.authorizer` (names in shared/caller.ts). */
export interface AuthorizerContext {
  userId: string;
  /** The session: protected operations check it is still live. */
  sid: string;
  /** The token's `exp`: protected operations refuse the token after it, even while this result is cached. */
  exp: number;
  [key: string]: string | number;
}

export type AuthorizerResult = APIGatewayAuthorizerResult & { context: AuthorizerContext };

/** The token in `Authorization: Bearer <jwt>`, or the bare `<jwt>` that older clients send. */
export function bearerToken(authorization: string | undefined): string {
  const value = (authorization ?? '').trim();
  const token = /^bearer(\s|$)/i.test(value) ? value.slice('bearer'.length).trim() : value;
  if (token === '') throw new TokenRejected(TOKEN_REJECTION.missing);
  if (/\s/.test(token)) throw new TokenRejected(TOKEN_REJECTION.malformed);
  return token;
}

export function allowPolicy(token: VerifiedToken, resource: string): AuthorizerResult {
  const { userId, sessionId, expiresAt } = token;
  return {
    principalId: userId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: resource }],
    },
    context: {
      [AUTHORIZER_CONTEXT.userId]: userId,
      [AUTHORIZER_CONTEXT.sessionId]: sessionId,
      [AUTHORIZER_CONTEXT.expiresAt]: expiresAt,
    },
  };
}

export function authorize(event: APIGatewayTokenAuthorizerEvent): AuthorizerResult {
  if (event?.type !== 'TOKEN') throw new IntegrationError('the authorizer expects a TOKEN authorizer event');
  const resource = stageResource(String(event.methodArn));
  const tokens = tokenVerifier();
  try {
    const verified = tokens.verify(bearerToken(event.authorizationToken));
    countMetric(MetricName.AuthorizerAllowed);
    return allowPolicy(verified, resource);
  } catch (error) {
    if (error instanceof TokenRejected) countMetric(MetricName.AuthorizerRejected, { reason: error.rejection });
    throw error;
  }
}
