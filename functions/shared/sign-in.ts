/**
 * What a sign-in hands out: a session, a short-lived access token naming it, and the session's
 * refresh token. Register, login and refresh all answer with this one shape.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { components } from '../../generated/api-types';
import { sessionConfig } from './config';
import { countMetric, MetricName } from './observability';
import { createSession } from './sessions';
import type { ClientInfo, IssuedSession } from './sessions';
import { tokenIssuer } from './token-issuer';
import { currentTime } from './clock';

export type AuthToken = components['schemas']['AuthToken'];

const MAX_USER_AGENT = 256;
const IP_ADDRESS = /^[0-9A-Fa-f:.]{1,45}$/;

/** The client as API Gateway saw it, made safe to show: printable ASCII, bounded lengths. */
export function clientInfo(event: Pick<APIGatewayProxyEvent, 'requestContext'>): ClientInfo {
  const identity = event.requestContext?.identity as
    Partial<APIGatewayProxyEvent['requestContext']['identity']> | undefined;
  const userAgent =
    typeof identity?.userAgent === 'string' ? identity.userAgent.replace(/[^ -~]/g, '?').slice(0, MAX_USER_AGENT) : '';
  const ipAddress =
    typeof identity?.sourceIp === 'string' && IP_ADDRESS.test(identity.sourceIp) ? identity.sourceIp : '';
  return { userAgent, ipAddress };
}

/** The response body for a session and its new refresh token. */
export async function tokensFor(session: IssuedSession, now: Date): Promise<AuthToken> {
  const { token, expiresIn } = await (await tokenIssuer()).issue(session.userId, session.sessionId);
  return {
    auth: true,
    token,
    tokenType: 'Bearer',
    expiresIn,
    refreshToken: session.refreshToken,
    refreshExpiresIn: Math.max(0, Math.floor((session.absoluteExpiresAt.getTime() - now.getTime()) / 1000)),
  };
}

/** Starts a session for the user and answers its tokens. */
export async function signIn(userId: string, event: Pick<APIGatewayProxyEvent, 'requestContext'>): Promise<AuthToken> {
  const now = currentTime();
  const session = await createSession(userId, clientInfo(event), now, sessionConfig());
  countMetric(MetricName.SessionCreated);
  return tokensFor(session, now);
}
