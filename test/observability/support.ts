/**
 * Loads the functions as a new Lambda instance would, and reads the EMF records they print with
 * the same parser the local gateway uses, namespace included.
 */
import type { APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import type { HttpHandler } from '../../functions/shared/http-handler';
import type { MetricValue } from '../../local/dev';
import { parseEmfLine } from '../../local/dev';
import type { CapturedOutput } from '../support/output';

export interface Instance {
  register: HttpHandler;
  login: HttpHandler;
  me: HttpHandler;
  refreshToken: HttpHandler;
  logout: HttpHandler;
  listSessions: HttpHandler;
  revokeSession: HttpHandler;
  revokeAllSessions: HttpHandler;
  changePassword: HttpHandler;
  deleteMe: HttpHandler;
  authorizer: (event: APIGatewayTokenAuthorizerEvent, context: Context) => Promise<unknown>;
  closeDatabase: () => Promise<void>;
}

/** Fresh modules, so configuration and Powertools' cold start are read again from process.env. */
export async function newInstance(): Promise<Instance> {
  let instance: Instance | undefined;
  await jest.isolateModulesAsync(async () => {
    instance = {
      register: (await import('../../functions/register/handler')).handler,
      login: (await import('../../functions/login/handler')).handler,
      me: (await import('../../functions/me/handler')).handler,
      refreshToken: (await import('../../functions/refreshToken/handler')).handler,
      logout: (await import('../../functions/logout/handler')).handler,
      listSessions: (await import('../../functions/listSessions/handler')).handler,
      revokeSession: (await import('../../functions/revokeSession/handler')).handler,
      revokeAllSessions: (await import('../../functions/revokeAllSessions/handler')).handler,
      changePassword: (await import('../../functions/changePassword/handler')).handler,
      deleteMe: (await import('../../functions/deleteMe/handler')).handler,
      authorizer: (await import('../../functions/authorizer/handler')).handler,
      closeDatabase: (await import('../../functions/shared/db')).closeDatabase,
    };
  });
  if (instance === undefined) throw new Error('the functions did not load');
  return instance;
}

/** Every metric printed since the last clear, with its namespace and dimensions. */
export function emittedMetrics(output: CapturedOutput): MetricValue[] {
  return output
    .text()
    .split('\n')
    .flatMap((line) => parseEmfLine(line) ?? []);
}
