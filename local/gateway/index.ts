/**
 * The local API Gateway: serves the API Gateway definition Terraform deploys (a REST API with Lambda
 * proxy integrations and a TOKEN authorizer) over HTTP, with each function in its own process.
 * Everything outside local/gateway imports it from here. What is reproduced: README.md.
 */

// The gateway, and what it reports per request.
export { startGateway } from './server';
export type { Gateway, GatewayOptions } from './server';
export type { FunctionConfig } from './lambda/instance';
export type { AuthorizerRecord, InvocationRecord, LoggedLine, RequestRecord } from './record';
export { MAX_ASYNC_PAYLOAD_BYTES, MAX_SYNC_PAYLOAD_BYTES } from './lambda-api';

// The definition it serves: generated/api-gateway.json.tftpl rendered as Terraform's templatefile() does.
export {
  functionNameFromInvokeArn,
  loadDefinition,
  localInvokeArn,
  localTemplateVariables,
  renderTemplate,
  TemplateError,
} from './definition';
export { compileApi, identityValidationExpression, UnsupportedDefinitionError } from './api';
export type { Api } from './api';

// API Gateway's behaviour, each piece usable on its own.
export { Router } from './router';
export { MAX_DISCARDED_BYTES, MAX_REQUEST_BODY_BYTES } from './exchange';
export type { LocalRoutes, Reply as LocalReply } from './exchange';
export { GATEWAY_RESPONSE_STATUS, MAX_REQUEST_HEAD_BYTES, renderGatewayResponse } from './gateway-responses';
export type { GatewayResponseConfig, GatewayResponseContext, GatewayResponseType } from './gateway-responses';
export { evaluatePolicy, methodArn, parseAuthorizerResult, POLICY_DECISION } from './policy';
export type { PolicyStatement } from './policy';
export { buildProxyEvent } from './proxy';
