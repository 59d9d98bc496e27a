/**
 * GET /me: the user the token was issued to. The id comes only from what the authorizer passed
 * on in the request context, never from anything the client sent.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { IntegrationError, UserNotFound } from '../shared/errors';
import type { Reply } from '../shared/http-handler';
import { OUTCOME } from '../shared/outcomes';
import { findUser } from '../shared/users';

/**
 * The authorizer's user id. Without one, API Gateway called us without the authorizer: a
 * deployment error (500), not the client's (401 is the authorizer's answer, before we run).
 */
export function authorizedUserId(event: APIGatewayProxyEvent): string {
  const authorizer = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const userId = authorizer?.userId ?? authorizer?.principalId;
  if (typeof userId !== 'string' || userId === '') throw new IntegrationError('no user id in requestContext.authorizer: is the route behind the authorizer?');
  return userId;
}

export async function me(event: APIGatewayProxyEvent): Promise<Reply> {
  const user = await findUser(authorizedUserId(event));
  if (user === undefined) throw new UserNotFound();
  return { status: 200, body: user, outcome: OUTCOME.userFound };
}
