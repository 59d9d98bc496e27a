import { httpHandler } from '../shared/http-handler';
import { revokeAllSessions } from './revoke-all-sessions';

export const handler = httpHandler('revokeAllSessions', revokeAllSessions);
