/**
 * Invokes a function's exported handler the way Lambda does, and checks every answer against the
 * contract and for leaks (hashes, stacks, internal messages) before the test sees it.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ContractOptions } from './contract';
import { expectContract } from './contract';
import { lambdaContext } from './events';

export type HttpHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface HttpCall {
  response: APIGatewayProxyResult;
  /** The parsed body. */
  body: Record<string, unknown>;
  headers: Record<string, string>;
  context: Context;
}

/** Things no response may contain: bcrypt hashes, the hash field, stack frames, driver errors. */
const LEAKS: Array<[string, RegExp]> = [
  ['a bcrypt hash', /\$2[aby]\$\d\d\$/],
  ['the passwordHash field', /passwordHash/i],
  ['a stack frame', /\bat .*\(?[\w/\\.-]+:\d+:\d+\)?/],
  ['a MongoDB error', /Mongo[A-Za-z]*Error|E11000/],
];

export function expectNoLeak(response: APIGatewayProxyResult): void {
  for (const [what, pattern] of LEAKS) {
    if (pattern.test(response.body))
      throw new Error(`response ${response.statusCode} contains ${what}: ${response.body}`);
  }
}

export async function invokeHttp(
  operationId: string,
  handler: HttpHandler,
  event: APIGatewayProxyEvent,
  options?: ContractOptions,
): Promise<HttpCall> {
  const context = lambdaContext(`auth-api-${operationId}`);
  const response = await handler(event, context);
  expectContract(operationId, response, options);
  expectNoLeak(response);
  return {
    response,
    body: response.body === '' ? {} : (JSON.parse(response.body) as Record<string, unknown>),
    headers: Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, value]) => [name, String(value)])),
    context,
  };
}
