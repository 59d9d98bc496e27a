/** GET /me: the user the token was issued to. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { authorizedCaller } from '../shared/caller';
import { UserNotFound } from '../shared/errors';
import type { Reply } from '../shared/http-handler';
import { OUTCOME } from '../shared/outcomes';
import { liveSessionOf } from '../shared/session-guard';
import { findUser } from '../shared/users';
import { currentTime } from '../shared/clock';

export async function me(event: APIGatewayProxyEvent): Promise<Reply> {
  const now = currentTime();
  const caller = authorizedCaller(event, () => now.getTime());
  // The session check and the user read are independent: one round trip of waiting, not two.
  const [user] = await Promise.all([findUser(caller.userId), liveSessionOf(caller, now)]);
  if (user === undefined) throw new UserNotFound();
  return { status: 200, body: user, outcome: OUTCOME.userFound };
}
