/**
 * The account emails a user can be sent: a fresh link token, then the email that carries it.
 * Sending never fails the caller (sendAccountEmail logs and counts EmailSendFailed), so a request
 * that sends answers as it would have; a link whose email did not leave simply never arrives.
 */
import { currentTime } from './clock';
import { linkConfig } from './config';
import { EMAIL_KIND, sendAccountEmail } from './email';
import type { EmailDelivery } from './email';
import { LINK_PURPOSE } from './link-token-model';
import { issueLinkToken } from './link-tokens';
import type { Addressee } from './users';

/** What each link is: the email that carries it, what its token does, and how long it works. */
const LINKS = {
  verification: {
    kind: EMAIL_KIND.verifyEmail,
    purpose: LINK_PURPOSE.emailVerification,
    ttl: () => linkConfig().emailVerificationTtlSeconds,
  },
  reset: {
    kind: EMAIL_KIND.resetPassword,
    purpose: LINK_PURPOSE.passwordReset,
    ttl: () => linkConfig().passwordResetTtlSeconds,
  },
} as const;

async function sendLink(link: (typeof LINKS)[keyof typeof LINKS], user: Addressee, issuedBy: string | null) {
  const ttl = link.ttl();
  const token = await issueLinkToken(user.id, link.purpose, currentTime(), ttl, issuedBy);
  return sendAccountEmail({
    kind: link.kind,
    to: { name: user.name, email: user.email },
    link: { token, expiresInSeconds: ttl },
  });
}

/** Sends the user a link to verify their email; earlier verification links stop working. */
export function sendVerificationLink(user: Addressee, issuedBy: string | null = null): Promise<EmailDelivery> {
  return sendLink(LINKS.verification, user, issuedBy);
}

/** Sends the user a link to choose a new password; earlier reset links stop working. */
export function sendResetLink(user: Addressee, issuedBy: string | null = null): Promise<EmailDelivery> {
  return sendLink(LINKS.reset, user, issuedBy);
}

/** The body of a 202 for an email asked for: the same whether or not anything is sent. */
export const EMAIL_ACCEPTED = {
  accepted: true,
  detail: 'If an account uses this email, a message is on its way to it',
} as const;
