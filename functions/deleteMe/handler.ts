import { httpHandler } from '../shared/http-handler';
import { deleteMe } from './delete-me';

export const handler = httpHandler('deleteMe', deleteMe);
