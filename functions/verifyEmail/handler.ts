import { httpHandler } from '../shared/http-handler';
import { verifyEmail } from './verify-email';

export const handler = httpHandler('verifyEmail', verifyEmail);
