/**
 * Builds the handler of an HTTP operation: API Gateway proxy event in, proxy result out. The
 * operation's logic returns a Reply or throws; everything else (headers, problems, logging,
 * metrics) is the same for every operation and lives here and in observability.ts.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { httpConfig } from './config';
import { instrument } from './observability';
import type { Outcome } from './outcomes';
import { toProblem } from './problem';
import { jsonResponse, MEDIA_TYPE } from './response';

/** What an operation answers when it succeeds. */
export interface Reply {
  status: number;
  body: unknown;
  outcome: Outcome;
}

export type HttpLogic = (event: APIGatewayProxyEvent, requestId: string) => Promise<Reply>;

export type HttpHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The contract's X-Request-Id: API Gateway's ids always match; anything else is not echoed into a header. */
const REQUEST_ID = /^[A-Za-z0-9-]{1,128}$/;

function requestIdOf(event: APIGatewayProxyEvent): string | undefined {
  const id = (event.requestContext as Partial<APIGatewayProxyEvent['requestContext']> | undefined)?.requestId;
  return typeof id === 'string' && REQUEST_ID.test(id) ? id : undefined;
}

/** The configured origin, or none when the configuration is invalid (that error is answered elsewhere). */
function corsAllowOrigin(): string | undefined {
  try {
    return httpConfig().corsAllowOrigin;
  } catch {
    return undefined;
  }
}

export function httpHandler(operation: string, logic: HttpLogic): HttpHandler {
  return instrument<APIGatewayProxyEvent, APIGatewayProxyResult>({
    operation,
    requestIdOf,
    async run(event, requestId) {
      // Read first, so an invalid CORS_ALLOW_ORIGIN is a 500 naming it rather than responses without CORS.
      const { corsAllowOrigin } = httpConfig();
      const reply = await logic(event, requestId);
      return {
        result: jsonResponse(reply.status, reply.body, { requestId, contentType: MEDIA_TYPE.json, corsAllowOrigin }),
        summary: { status: reply.status, outcome: reply.outcome },
      };
    },
    recover(error, requestId) {
      const answer = toProblem(error, requestId);
      return jsonResponse(answer.status, answer.problem, {
        requestId,
        contentType: MEDIA_TYPE.problem,
        corsAllowOrigin: corsAllowOrigin(),
        headers: answer.headers,
      });
    },
  });
}
