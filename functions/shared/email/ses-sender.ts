/**
 * Sends through Amazon SES, API v2 (SendEmail with simple content: SES builds the MIME message, so
 * no header is ever written here). The AWS SDK is imported only when SES is configured, and
 * Lambda's runtime provides it (scripts/build.ts leaves `@aws-sdk/*` out of bundles).
 */
import { EMAIL_FAILURE } from '../errors';
import type { EmailFailure } from '../errors';
import { EmailSendError } from './message';
import type { EmailMessage, EmailSender } from './message';

/** The one SES call the sender makes: SendEmailCommand's input and output, as far as it uses them. */
export interface SesSendEmailRequest {
  FromEmailAddress: string;
  Destination: { ToAddresses: string[] };
  Content: {
    Simple: {
      Subject: { Data: string; Charset: 'UTF-8' };
      Body: { Text: { Data: string; Charset: 'UTF-8' }; Html: { Data: string; Charset: 'UTF-8' } };
    };
  };
  ConfigurationSetName: string;
}

export type SesSendEmail = (request: SesSendEmailRequest) => Promise<{ MessageId?: string }>;

/**
 * SES must answer well within the function's timeout (10 s): two attempts of at most 3 s each.
 * A retry after a timeout may send the email twice; a second copy of the same link is harmless.
 */
export const SES_LIMITS: Readonly<SesLimits> = { requestTimeoutMs: 3000, connectionTimeoutMs: 1000, maxAttempts: 2 };

export interface SesLimits {
  requestTimeoutMs: number;
  connectionTimeoutMs: number;
  maxAttempts: number;
}

/** A SendEmail call through the AWS SDK v3, loaded on first use. */
export async function loadSesSendEmail(limits: SesLimits = SES_LIMITS): Promise<SesSendEmail> {
  const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
  // Region and credentials come from the Lambda environment, as for every AWS SDK client.
  const client = new SESv2Client({
    maxAttempts: limits.maxAttempts,
    requestHandler: {
      requestTimeout: limits.requestTimeoutMs,
      // Without it, the SDK's node handler (since @smithy/node-http-handler 4.x) only logs a
      // warning when requestTimeout passes, and the call waits for as long as SES takes.
      throwOnRequestTimeout: true,
      connectionTimeout: limits.connectionTimeoutMs,
    },
  });
  return (request) => client.send(new SendEmailCommand(request));
}

/** SES answers that mean the deployment is wrong, and stays wrong until someone fixes it. */
const MISCONFIGURED = new Set([
  'AccessDeniedException',
  'NotFoundException',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
]);
/** SES refused this one message: in the sandbox, an unverified recipient; otherwise a bad address. */
const REJECTED = new Set(['MessageRejected', 'BadRequestException']);
/** The account's sending rate or daily quota. */
const THROTTLED = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException']);

/** How an SDK error counts: by its name, else by its HTTP status; no answer at all is `unavailable`. */
export function classifySesError(error: unknown): EmailFailure {
  const name = error instanceof Error ? error.name : '';
  if (MISCONFIGURED.has(name)) return EMAIL_FAILURE.misconfigured;
  if (REJECTED.has(name)) return EMAIL_FAILURE.rejected;
  if (THROTTLED.has(name)) return EMAIL_FAILURE.throttled;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  if (status === 429) return EMAIL_FAILURE.throttled;
  if (typeof status === 'number' && status >= 400 && status < 500) return EMAIL_FAILURE.rejected;
  return EMAIL_FAILURE.unavailable;
}

const UTF8 = 'UTF-8';

/** Sends from one address through one configuration set, whose event destination receives bounces and complaints. */
export function createSesSender(options: {
  from: string;
  configurationSet: string;
  sendEmail: SesSendEmail;
}): EmailSender {
  const { from, configurationSet, sendEmail } = options;
  return {
    async send(message: EmailMessage) {
      try {
        await sendEmail({
          FromEmailAddress: from,
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: UTF8 },
              Body: { Text: { Data: message.text, Charset: UTF8 }, Html: { Data: message.html, Charset: UTF8 } },
            },
          },
          ConfigurationSetName: configurationSet,
        });
      } catch (error) {
        const name = error instanceof Error ? error.name : 'unknown';
        throw new EmailSendError(classifySesError(error), `SES did not accept the email (${name})`, error);
      }
    },
  };
}
