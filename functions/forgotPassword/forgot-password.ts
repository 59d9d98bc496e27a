/**
 * POST /password/forgot: answers 202 with one body for every email. The request validates,
 * counts the request against the email and the client address, and defers the rest (finding the
 * account, sending the link) to an asynchronous invocation of this function: a registered email
 * and an unknown one take the same work, so the same time, to answer.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import validateForgotPasswordBody from '../../generated/validators/forgotPassword-body';
import { EMAIL_ACCEPTED } from '../shared/account-emails';
import { linkConfig } from '../shared/config';
import { DeferFailed, deferJob } from '../shared/deferred';
import type { Reply } from '../shared/http-handler';
import { OUTCOME } from '../shared/outcomes';
import { readJsonBody } from '../shared/request';
import { beginEmailRequest } from '../shared/throttle';
import { THROTTLED_OPERATION } from '../shared/throttle-model';
import { validatedUserInput } from '../shared/user-input';
import { sendPasswordReset } from './jobs';

export async function forgotPassword(event: APIGatewayProxyEvent): Promise<Reply> {
  // Configuration first: a misconfigured deployment answers 500 for every email alike. The email
  // settings are the job's: a job that cannot send logs and counts it (EmailSendFailed).
  linkConfig();
  const { email } = validatedUserInput(validateForgotPasswordBody, readJsonBody(event));
  await beginEmailRequest(email, event, THROTTLED_OPERATION.forgotPassword);
  try {
    await deferJob(sendPasswordReset, { email });
  } catch (error) {
    // Logged and counted (JobNotDeferred) already; answering otherwise would tell nothing useful and could tell too much.
    if (!(error instanceof DeferFailed)) throw error;
  }
  return { status: 202, body: EMAIL_ACCEPTED, outcome: OUTCOME.emailAccepted };
}
