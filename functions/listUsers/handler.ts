import { httpHandler } from '../shared/http-handler';
import { listUsers } from './list-users';

export const handler = httpHandler('listUsers', listUsers);
