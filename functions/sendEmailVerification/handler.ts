import { httpHandler } from '../shared/http-handler';
import { sendEmailVerification } from './send-email-verification';

export const handler = httpHandler('sendEmailVerification', sendEmailVerification);
