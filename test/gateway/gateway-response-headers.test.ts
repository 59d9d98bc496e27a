/**
 * What API Gateway answers by itself (401, 403, 404, 413, 429, 5xx), rendered from the real
 * definition as the local gateway serves it: the headers every such answer needs, and the
 * contract telling the truth about them.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { listFunctionKeys } from '../../scripts/build';
import { listOperations, loadContract } from '../../scripts/contract/load';
import {
  compileApi,
  GATEWAY_RESPONSE_STATUS,
  loadDefinition,
  localTemplateVariables,
  renderGatewayResponse,
} from '../../local/gateway';
import type { GatewayResponseContext, GatewayResponseType } from '../../local/gateway';
import { contractViolations } from '../support/contract';

const api = compileApi(loadDefinition(localTemplateVariables({ functionKeys: listFunctionKeys() })));
const REQUEST_ID = '0b9c6f2e-2f4e-4f3e-9f51-6d1f2e3a4b5c';
const context: GatewayResponseContext = {
  requestId: REQUEST_ID,
  stage: 'local',
  apiId: 'local',
  httpMethod: 'GET',
  path: '/me',
  resourcePath: '/me',
  headers: {},
  query: {},
  pathParameters: {},
};

/** Every type API Gateway has, and the 502 it gives a failed function under DEFAULT_5XX. */
const TYPES = [
  ...(Object.keys(GATEWAY_RESPONSE_STATUS) as GatewayResponseType[])
    .filter((type) => !type.startsWith('DEFAULT_'))
    .map((type) => ({ type, status: undefined })),
  { type: 'DEFAULT_4XX' as const, status: 400 },
  { type: 'DEFAULT_5XX' as const, status: 502 },
];

/** A rendered gateway response with the header API Gateway adds to every response (server.ts does too). */
function answer(type: GatewayResponseType, status?: number): APIGatewayProxyResult {
  const rendered = renderGatewayResponse(
    api.gatewayResponses,
    { type, status, message: 'Message from API Gateway' },
    context,
  );
  return {
    statusCode: rendered.statusCode,
    headers: { ...rendered.headers, 'x-amzn-RequestId': REQUEST_ID },
    body: rendered.body,
  };
}

const header = (response: APIGatewayProxyResult, name: string) =>
  Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

describe('gateway responses', () => {
  it.each(TYPES)('$type is neither cached nor sniffed', ({ type, status }) => {
    const response = answer(type, status);

    expect({ cache: header(response, 'Cache-Control'), sniff: header(response, 'X-Content-Type-Options') }).toEqual({
      cache: 'no-store',
      sniff: 'nosniff',
    });
  });

  it.each(TYPES)('$type names the Bearer scheme exactly when it is a 401', ({ type, status }) => {
    const response = answer(type, status);

    expect({ status: response.statusCode, challenge: header(response, 'WWW-Authenticate') }).toEqual({
      status: response.statusCode,
      challenge: response.statusCode === 401 ? 'Bearer' : undefined,
    });
  });

  it('lets a browser read the request id and the challenge of a gateway response', () => {
    const exposed = String(header(answer('UNAUTHORIZED'), 'Access-Control-Expose-Headers')).split(',');

    expect(exposed).toEqual(expect.arrayContaining(['x-amzn-RequestId', 'WWW-Authenticate', 'Retry-After']));
  });
});

describe('the contract for what API Gateway answers by itself', () => {
  // No function ever answers these: only API Gateway does.
  const GATEWAY_ONLY = new Set([403, 429, 502, 504]);
  const declared = listOperations(loadContract()).flatMap((op) =>
    Object.keys(op.operation.responses).map((status) => ({ operationId: op.operationId, status: Number(status) })),
  );
  // DEFAULT_4XX only answers a type AWS may add later, with AWS's own body.
  const answered = TYPES.filter(({ type }) => type !== 'DEFAULT_4XX');
  const cases = declared.flatMap(({ operationId, status }) =>
    answered
      .filter(({ type, status: given }) => answer(type, given).statusCode === status)
      .map(({ type, status: given }) => ({ operationId, status, type, given })),
  );

  it('covers every status both have', () => {
    expect(new Set(cases.map((c) => c.status))).toEqual(new Set([400, 401, 403, 404, 413, 415, 429, 500, 502, 504]));
  });

  it.each(cases)(
    '$operationId: $type ($status) carries every header declared, X-Request-Id aside, and a body that fits',
    ({ operationId, type, given }) => {
      const violations = contractViolations(operationId, answer(type, given));

      expect(violations.filter((v) => v !== 'header X-Request-Id is missing')).toEqual([]);
    },
  );

  it.each(cases.filter((c) => GATEWAY_ONLY.has(c.status)))(
    '$operationId: $status promises no X-Request-Id, which API Gateway cannot send',
    ({ operationId, type, given }) => {
      expect(contractViolations(operationId, answer(type, given))).toEqual([]);
    },
  );
});
