import { acceptingJobs } from '../shared/deferred';
import { httpHandler } from '../shared/http-handler';
import { forgotPassword } from './forgot-password';
import { sendPasswordReset } from './jobs';

export const handler = acceptingJobs('forgotPassword', httpHandler('forgotPassword', forgotPassword), [
  sendPasswordReset,
]);
