/**
 * Builds the handler of an HTTP operation: API Gateway proxy event in, proxy result out. The
 * operation's logic returns a Reply or throws; everything else (headers, problems, logging,
 * metrics) is the same for every operation and lives here and in observability.ts.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { httpConfig } from './config';
import type { CountedMetric, METRIC_DIMENSIONS } from './observability';
import { countMetric, instrument } from './observability';
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

/** An operation's logic once its request has been read and validated. */
export type ParsedLogic<T> = (request: T, event: APIGatewayProxyEvent, requestId: string) => Promise<Reply>;

/** A metric counted without dimensions of its own. */
type PlainMetric = {
  [N in CountedMetric]: (typeof METRIC_DIMENSIONS)[N] extends readonly [] ? N : never;
}[CountedMetric];

/** How an operation reads its request, before the logic does any database or password work. */
export interface RequestReading<T> {
  /** Reads and validates the request; throws the problem that refuses it. */
  parse: (event: APIGatewayProxyEvent) => T;
  /** Counted once for every request `parse` refuses, so refused requests show apart from failed ones. */
  rejectedMetric: PlainMetric;
}

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

function readFirst<T>(logic: ParsedLogic<T>, { parse, rejectedMetric }: RequestReading<T>): HttpLogic {
  return async (event, requestId) => {
    let request: T;
    try {
      request = parse(event);
    } catch (error) {
      countMetric(rejectedMetric);
      throw error;
    }
    return logic(request, event, requestId);
  };
}

/** The handler of an operation whose logic reads the event itself. */
export function httpHandler(operation: string, logic: HttpLogic): HttpHandler;
/** The handler of an operation whose request is parsed first, its refusals counted under `reading.rejectedMetric`. */
export function httpHandler<T>(operation: string, logic: ParsedLogic<T>, reading: RequestReading<T>): HttpHandler;
export function httpHandler<T>(
  operation: string,
  logic: HttpLogic | ParsedLogic<T>,
  reading?: RequestReading<T>,
): HttpHandler {
  const operationLogic = reading === undefined ? (logic as HttpLogic) : readFirst(logic as ParsedLogic<T>, reading);
  return instrument<APIGatewayProxyEvent, APIGatewayProxyResult>({
    operation,
    requestIdOf,
    async run(event, requestId) {
      // Read first, so an invalid CORS_ALLOW_ORIGIN is a 500 naming it rather than responses without CORS.
      const { corsAllowOrigin } = httpConfig();
      const reply = await operationLogic(event, requestId);
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
