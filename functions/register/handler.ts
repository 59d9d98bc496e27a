import { httpHandler } from '../shared/http-handler';
import { register } from './register';

export const handler = httpHandler('register', register);
