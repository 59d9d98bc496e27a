import { httpHandler } from '../shared/http-handler';
import { changePassword } from './change-password';

export const handler = httpHandler('changePassword', changePassword);
