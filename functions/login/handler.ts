import { httpHandler } from '../shared/http-handler';
import { login } from './login';

export const handler = httpHandler('login', login);
