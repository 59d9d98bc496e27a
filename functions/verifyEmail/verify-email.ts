/** POST /email/verify: spends a verification link's token and marks the user's email verified. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import validateVerifyEmailBody from '../../generated/validators/verifyEmail-body';
import { currentTime } from '../shared/clock';
import { InvalidLinkToken } from '../shared/errors';
import type { Reply } from '../shared/http-handler';
import { LINK_PURPOSE } from '../shared/link-token-model';
import { redeemLinkToken } from '../shared/link-tokens';
import { OUTCOME } from '../shared/outcomes';
import { readJsonBody } from '../shared/request';
import { beginLinkRedemption } from '../shared/throttle';
import { THROTTLED_OPERATION } from '../shared/throttle-model';
import { markEmailVerified } from '../shared/users';
import { validated } from '../shared/validation';

export async function verifyEmail(event: APIGatewayProxyEvent): Promise<Reply> {
  const { token } = validated(validateVerifyEmailBody, readJsonBody(event), 'body');
  const attempt = await beginLinkRedemption(event, THROTTLED_OPERATION.verifyEmail);
  const userId = await redeemLinkToken(token, LINK_PURPOSE.emailVerification, currentTime());
  // A user deleted since the link was sent has nothing left to verify: the same answer as any spent link.
  if (userId === undefined || !(await markEmailVerified(userId))) throw new InvalidLinkToken();
  await attempt.succeeded();
  return { status: 204, body: undefined, outcome: OUTCOME.emailVerified };
}
