import { httpHandler } from '../shared/http-handler';
import { MetricName } from '../shared/observability';
import { login, parseLogin } from './login';

export const handler = httpHandler('login', login, { parse: parseLogin, rejectedMetric: MetricName.LoginRejected });
