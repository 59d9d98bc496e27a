/**
 * The integrations a route may have: a Lambda proxy integration (the function gets the request as
 * an event and answers with a proxy response) or a mock integration (the definition's static
 * answer, used for CORS preflights), read from `x-amazon-apigateway-integration`.
 */
import { functionNameFromInvokeArn } from './definition';
import { isObject } from './describe';
import { parameterSource } from './gateway-responses';

/** API Gateway's hard limit on an integration's timeout, and its default. */
const MAX_INTEGRATION_TIMEOUT_MS = 29000;

export interface LambdaProxyIntegration {
  type: 'aws_proxy';
  functionKey: string;
  timeoutMs: number;
}

export interface MockIntegration {
  type: 'mock';
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type Integration = LambdaProxyIntegration | MockIntegration;

/** Reads an operation's `x-amazon-apigateway-integration`, adding what cannot be served to `problems`. */
export function readIntegration(raw: unknown, where: string, problems: string[]): Integration | undefined {
  const at = `${where}.x-amazon-apigateway-integration`;
  if (!isObject(raw)) {
    problems.push(`${where}: has no x-amazon-apigateway-integration`);
    return undefined;
  }
  const type = String(raw.type).toLowerCase();
  if (type === 'aws_proxy') {
    const known = [
      'type',
      'httpMethod',
      'uri',
      'passthroughBehavior',
      'timeoutInMillis',
      'credentials',
      'connectionType',
    ];
    for (const key of Object.keys(raw))
      if (!known.includes(key)) problems.push(`${at}.${key}: not reproduced for a Lambda proxy integration`);
    if (raw.connectionType !== undefined && raw.connectionType !== 'INTERNET')
      problems.push(`${at}.connectionType: VPC links are not reproduced`);
    if (String(raw.httpMethod).toUpperCase() !== 'POST') problems.push(`${at}.httpMethod: Lambda is invoked with POST`);
    const timeoutMs = raw.timeoutInMillis ?? MAX_INTEGRATION_TIMEOUT_MS;
    if (
      !Number.isInteger(timeoutMs) ||
      (timeoutMs as number) < 50 ||
      (timeoutMs as number) > MAX_INTEGRATION_TIMEOUT_MS
    ) {
      problems.push(`${at}.timeoutInMillis: must be an integer from 50 to ${MAX_INTEGRATION_TIMEOUT_MS}`);
    }
    try {
      return {
        type: 'aws_proxy',
        functionKey: functionNameFromInvokeArn(String(raw.uri)),
        timeoutMs: Number(timeoutMs),
      };
    } catch (error) {
      problems.push(`${at}.uri: ${(error as Error).message}`);
      return undefined;
    }
  }
  if (type === 'mock') return readMock(raw, at, problems);
  problems.push(
    `${at}.type: "${String(raw.type)}" integrations are not reproduced; only aws_proxy (Lambda proxy) and mock`,
  );
  return undefined;
}

function readMock(raw: Record<string, unknown>, at: string, problems: string[]): MockIntegration | undefined {
  for (const key of Object.keys(raw)) {
    if (!['type', 'requestTemplates', 'passthroughBehavior', 'responses'].includes(key))
      problems.push(`${at}.${key}: not reproduced for a mock integration`);
  }
  const requestTemplate = isObject(raw.requestTemplates) ? raw.requestTemplates['application/json'] : undefined;
  let selected = 200;
  if (typeof requestTemplate === 'string') {
    try {
      const parsed = JSON.parse(requestTemplate) as unknown;
      if (!isObject(parsed) || !Number.isInteger(parsed.statusCode)) throw new Error('no integer statusCode');
      selected = parsed.statusCode as number;
    } catch (error) {
      problems.push(
        `${at}.requestTemplates: only a static {"statusCode": N} template is reproduced (${(error as Error).message})`,
      );
    }
  }
  const responses = isObject(raw.responses) ? raw.responses : {};
  // Integration responses are chosen by matching their key, a regex, against the status; `default` catches the rest.
  const key =
    Object.keys(responses).find((k) => k !== 'default' && new RegExp(`^(${k})$`).test(String(selected))) ?? 'default';
  const response = responses[key];
  if (!isObject(response)) {
    problems.push(`${at}.responses: no response matches status ${selected}`);
    return undefined;
  }
  const headers: Record<string, string> = {};
  for (const [param, value] of Object.entries(
    isObject(response.responseParameters) ? response.responseParameters : {},
  )) {
    const header = /^method\.response\.header\.(.+)$/.exec(param);
    const source = parameterSource(value, `${at}.responses.${key}.responseParameters.${param}`, problems);
    if (!header) problems.push(`${at}.responses.${key}.responseParameters: ${param} is not reproduced`);
    else if (source?.kind === 'literal') headers[header[1]!] = source.value;
    else if (source)
      problems.push(
        `${at}.responses.${key}.responseParameters.${param}: a mock integration answers with literals only here`,
      );
  }
  const templates = isObject(response.responseTemplates) ? response.responseTemplates : {};
  const body = templates['application/json'] ?? Object.values(templates)[0] ?? '';
  if (typeof body !== 'string' || /[$#]/.test(body))
    problems.push(`${at}.responses.${key}.responseTemplates: only static bodies are reproduced`);
  const statusCode = Number(response.statusCode ?? selected);
  return { type: 'mock', statusCode, headers, body: typeof body === 'string' ? body : '' };
}
