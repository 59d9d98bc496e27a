/**
 * `make dev` around the local gateway: its settings, the watcher and rebuild choice behind hot
 * reload, and the request log it prints. The command itself is main.ts; other folders import this.
 */
export { readDevConfig } from './config';
export { functionsAffectedBy } from './reload';
export { watchFiles } from './watch';
export type { Watcher } from './watch';
export {
  formatEmail,
  formatInvocationJson,
  formatInvocationPretty,
  formatJson,
  formatPretty,
  formatStrayLine,
  metricsOf,
} from './request-log';
export type { LoggedEmail } from './request-log';
export { EmailLog } from './emails';
export { parseEmfLine, summarizeMetrics } from './metrics';
export type { MetricValue } from './metrics';
