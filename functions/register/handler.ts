import { httpHandler } from '../shared/http-handler';
import { MetricName } from '../shared/observability';
import { parseRegistration, register } from './register';

export const handler = httpHandler('register', register, {
  parse: parseRegistration,
  rejectedMetric: MetricName.RegistrationRejected,
});
