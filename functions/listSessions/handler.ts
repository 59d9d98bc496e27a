import { httpHandler } from '../shared/http-handler';
import { listSessions } from './list-sessions';

export const handler = httpHandler('listSessions', listSessions);
