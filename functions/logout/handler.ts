import { httpHandler } from '../shared/http-handler';
import { logout } from './logout';

export const handler = httpHandler('logout', logout);
