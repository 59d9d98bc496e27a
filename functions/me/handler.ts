import { httpHandler } from '../shared/http-handler';
import { me } from './me';

export const handler = httpHandler('me', me);
