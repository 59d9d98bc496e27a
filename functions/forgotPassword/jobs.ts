/**
 * The step of POST /password/forgot that runs after the answer: find the account, issue the
 * reset link and send it. The request did the same work for every email; only this step, which
 * no client waits for, tells a registered email from an unknown one.
 */
import { sendResetLink } from '../shared/account-emails';
import { defineJob } from '../shared/deferred';
import { LINK_PURPOSE } from '../shared/link-token-model';
import { wasIssuedBy } from '../shared/link-tokens';
import { findAddressee } from '../shared/users';

export interface ResetRequest {
  /** Normalized (trimmed, lower-cased) and valid: the request checked it. */
  email: string;
}

function isResetRequest(body: unknown): body is ResetRequest {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    Object.keys(body).length === 1 &&
    typeof (body as { email?: unknown }).email === 'string' &&
    (body as { email: string }).email.length <= 254
  );
}

export const sendPasswordReset = defineJob<ResetRequest>('sendPasswordReset', {
  accepts: isResetRequest,
  async run({ email }, { jobId }) {
    const user = await findAddressee(email);
    // An unknown email: nothing to send, and nothing in the log to say so (the job's line is the same).
    if (user === undefined) return;
    // Lambda delivered this job before and its link is the current one: one email, not two.
    if (await wasIssuedBy(user.id, LINK_PURPOSE.passwordReset, jobId)) return;
    await sendResetLink(user, jobId);
  },
});
