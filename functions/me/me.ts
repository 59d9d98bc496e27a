/** GET /me: the user the token was issued to. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { authorizedCaller } from '../shared/caller';
import { UserNotFound } from '../shared/errors';
import type { Reply } from '../shared/http-handler';
import { OUTCOME } from '../shared/outcomes';
import { findUser } from '../shared/users';

export async function me(event: APIGatewayProxyEvent): Promise<Reply> {
  const user = await findUser(authorizedCaller(event).userId);
  if (user === undefined) throw new UserNotFound();
  return { status: 200, body: user, outcome: OUTCOME.userFound };
}
