import { httpHandler } from '../shared/http-handler';
import { revokeSession } from './revoke-session';

export const handler = httpHandler('revokeSession', revokeSession);
