import { httpHandler } from '../shared/http-handler';
import { refresh } from './refresh';

export const handler = httpHandler('refreshToken', refresh);
