import { httpHandler } from '../shared/http-handler';
import { resetPassword } from './reset-password';

export const handler = httpHandler('resetPassword', resetPassword);
