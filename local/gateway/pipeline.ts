/**
 * One request through the gateway, in API Gateway's order: the size limits, then route → authorize
 * → invoke → respond. Whatever the gateway answers by itself is a gateway response rendered from the
 * definition, and the request's record says why.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Api, TokenAuthorizer } from './api';
import type { Authorization } from './authorizer';
import { TokenAuthorizerRunner } from './authorizer';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './definition';
import type { Exchange, LocalRoutes, Reply } from './exchange';
import {
  headerValue,
  MAX_REQUEST_BODY_BYTES,
  openExchange,
  readBody,
  requestHeadBytes,
  sendFallback,
  sendReply,
} from './exchange';
import type { GatewayError, GatewayResponseContext, RenderedResponse } from './gateway-responses';
import { MAX_REQUEST_HEAD_BYTES, renderGatewayResponse, renderRequestHeadTooLarge } from './gateway-responses';
import { invokeProxy, LAMBDA_ERROR } from './invoke';
import type { FunctionPool } from './lambda/pool';
import { methodArn } from './policy';
import type { RequestRecord } from './record';
import { Router } from './router';

export interface PipelineOptions {
  stage: string;
  apiId: string;
  /** The clock of the authorizer cache. */
  now: () => number;
  functions: FunctionPool;
  /** Served on paths the API does not have, in order: the docs, `make dev`'s outbox. */
  localRoutes: readonly LocalRoutes[];
  onRequest?: (record: RequestRecord) => void;
}

/** What one definition deploys: its routes and its authorizers, each with its own result cache. */
interface Deployment {
  api: Api;
  router: Router;
  authorizers: Map<string, TokenAuthorizerRunner>;
}

export class RequestPipeline {
  /** The port the server listens on, once it does: the forwarding headers and the docs' server URL carry it. */
  port = 0;
  private deployment: Deployment;

  constructor(
    api: Api,
    private readonly options: PipelineOptions,
  ) {
    this.deployment = this.deploymentOf(api);
  }

  get api(): Api {
    return this.deployment.api;
  }

  /** Serves another API, as a new deployment of the stage: new routes, authorizer caches empty. */
  deploy(api: Api): void {
    this.deployment = this.deploymentOf(api);
  }

  /** Forgets every cached authorizer result. */
  flushAuthorizers(): void {
    for (const runner of this.deployment.authorizers.values()) runner.flush();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const exchange = openExchange(req, res);
    const headBytes = requestHeadBytes(req);
    const headTooLarge = headBytes > MAX_REQUEST_HEAD_BYTES;
    const body = await readBody(req, MAX_REQUEST_BODY_BYTES, headTooLarge);
    if (body.kind === 'aborted') return;

    let reply: Reply;
    if (headTooLarge) {
      exchange.record.gatewayError = {
        type: 'REQUEST_HEADERS_TOO_LARGE',
        reason: `the request line and headers are ${headBytes} bytes, over ${MAX_REQUEST_HEAD_BYTES}`,
      };
      reply = renderRequestHeadTooLarge(this.deployment.api.gatewayResponses, this.responseContext(exchange));
    } else if (body.kind === 'too-large') {
      reply = this.gatewayError(
        exchange,
        { type: 'REQUEST_TOO_LARGE', message: 'Request Too Long' },
        `the body is over ${MAX_REQUEST_BODY_BYTES} bytes`,
      );
    } else {
      exchange.request.body = body.body.length > 0 ? body.body.toString('utf8') : null;
      reply = await this.route(exchange);
    }

    const refused = sendReply(exchange, reply);
    if (refused === undefined) {
      this.finish(exchange, reply.statusCode);
      return;
    }
    // A header Node refuses to send: API Gateway would not have sent the response either.
    const fallback = this.gatewayError(exchange, LAMBDA_ERROR, `Malformed Lambda proxy response: ${refused}`);
    sendFallback(exchange, fallback);
    this.finish(exchange, fallback.statusCode);
  }

  /** The answer to a head too large for Node to parse into a request (see clientErrorListener). */
  headTooLarge(requestId: string): RenderedResponse {
    const context: GatewayResponseContext = {
      requestId,
      stage: this.options.stage,
      apiId: this.options.apiId,
      httpMethod: '',
      path: '',
      headers: {},
      query: {},
      pathParameters: {},
    };
    return renderRequestHeadTooLarge(this.deployment.api.gatewayResponses, context);
  }

  private deploymentOf(api: Api): Deployment {
    const { functions, now } = this.options;
    const authorizers = new Map(
      api.authorizers.map((config) => [
        config.name,
        new TokenAuthorizerRunner(config, (event) => functions.get(config.functionKey).invoke(event), now),
      ]),
    );
    return { api, router: new Router(api.routes), authorizers };
  }

  private finish(exchange: Exchange, status: number): void {
    const { record } = exchange;
    record.status = status;
    record.durationMs = performance.now() - exchange.started;
    try {
      this.options.onRequest?.(record);
    } catch (error) {
      console.error('local gateway: request log failed', error);
    }
  }

  /** A gateway response, noting in the record why the gateway answered by itself. */
  private gatewayError(exchange: Exchange, error: GatewayError, reason: string): RenderedResponse {
    exchange.record.gatewayError = {
      type: error.type === 'DEFAULT_5XX' && error.status === 502 ? 'LAMBDA_ERROR' : error.type,
      reason,
    };
    return renderGatewayResponse(this.deployment.api.gatewayResponses, error, this.responseContext(exchange));
  }

  /** What a gateway response may read of the request. */
  private responseContext(exchange: Exchange): GatewayResponseContext {
    const { request, requestId } = exchange;
    return {
      requestId,
      stage: this.options.stage,
      apiId: this.options.apiId,
      httpMethod: request.method,
      path: request.path,
      resourcePath: exchange.resourcePath,
      headers: Object.fromEntries(request.headers),
      query: Object.fromEntries(request.query),
      pathParameters: exchange.pathParameters,
    };
  }

  private async route(exchange: Exchange): Promise<Reply> {
    const { request, record } = exchange;
    const lookup = this.deployment.router.lookup(request.method, request.path);
    if (!lookup.found) {
      if (!lookup.resourceExists) {
        for (const routes of this.options.localRoutes) {
          const served = routes(request.method, request.path, `http://localhost:${this.port}`);
          if (served) return served;
        }
      }
      const what = lookup.resourceExists
        ? `${request.path} has no ${request.method} method`
        : `no resource matches ${request.path}`;
      return this.gatewayError(
        exchange,
        { type: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' },
        what,
      );
    }
    const { route, pathParameters } = lookup.match;
    exchange.resourcePath = route.resourcePath;
    exchange.pathParameters = pathParameters;
    record.resourcePath = route.resourcePath;

    let authorizer: Record<string, string | number> | undefined;
    if (route.authorizer) {
      const authorization = await this.authorize(exchange, route.authorizer);
      const { outcome } = authorization;
      if (!outcome.allowed)
        return this.gatewayError(exchange, { type: outcome.type, message: outcome.message }, outcome.reason);
      authorizer = {
        ...outcome.context,
        principalId: outcome.principalId,
        integrationLatency: Math.round(authorization.invocation?.durationMs ?? 0),
      };
    }

    if (route.integration.type === 'mock') {
      return {
        statusCode: route.integration.statusCode,
        headers: { ...route.integration.headers },
        body: route.integration.body,
      };
    }
    const { apiId, stage, functions } = this.options;
    const result = await invokeProxy(
      { exchange, route, integration: route.integration, authorizer },
      { apiId, stage, port: this.port },
      functions,
    );
    return result.ok ? result.reply : this.gatewayError(exchange, result.error, result.reason);
  }

  private async authorize(exchange: Exchange, config: TokenAuthorizer): Promise<Authorization> {
    const { request, record } = exchange;
    const { apiId, stage } = this.options;
    const runner = this.deployment.authorizers.get(config.name)!;
    const arn = methodArn({
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      apiId,
      stage,
      method: request.method,
      path: request.path,
    });
    let authorization: Authorization;
    try {
      authorization = await runner.authorize(headerValue(request.headers, config.header), arn);
    } catch (error) {
      authorization = {
        outcome: {
          allowed: false,
          type: 'AUTHORIZER_CONFIGURATION_ERROR',
          message: null,
          reason: (error as Error).message,
        },
        cached: false,
      };
    }
    const { outcome, cached, invocation } = authorization;
    record.authorizer = {
      functionKey: config.functionKey,
      invoked: invocation !== undefined,
      cached,
      ...(invocation ? { coldStart: invocation.coldStart, durationMs: invocation.durationMs } : {}),
      result: outcome.allowed
        ? 'allowed'
        : outcome.type === 'UNAUTHORIZED'
          ? 'unauthorized'
          : outcome.type === 'ACCESS_DENIED'
            ? 'denied'
            : 'error',
      ...(outcome.allowed ? {} : { reason: outcome.reason }),
    };
    if (invocation) record.logs.push(...invocation.logs.map((l) => ({ functionKey: config.functionKey, ...l })));
    return authorization;
  }
}
