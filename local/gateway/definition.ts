/**
 * Renders generated/api-gateway.json.tftpl the way Terraform's `templatefile()` does, with the
 * same variable names, so the local gateway and API Gateway read one definition.
 */
import { readFileSync } from 'node:fs';
import { TEMPLATE_VARIABLES } from '../../scripts/contract/api-gateway';
import { DEFINITION_TEMPLATE_PATH } from '../../scripts/paths';

/** The region and account the local ARNs carry; nothing checks them, but they keep the AWS shape. */
export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';

/** A value `templatefile()` can interpolate: a string, number or bool, or a map of strings reached as `${map.key}`. */
export type TemplateValue = string | number | boolean | Readonly<Record<string, string>>;
export type TemplateVariables = Readonly<Record<string, TemplateValue>>;

/** A template that cannot be rendered: an unknown variable, a missing map key, a directive. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

function resolve(expression: string, variables: TemplateVariables, where: string): string {
  const parts = expression.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new TemplateError(`${where}: \${${expression}} is not supported; only \${name} and \${map.key} are`);
  }
  const [name, key] = parts as [string, string | undefined];
  if (!Object.hasOwn(variables, name)) throw new TemplateError(`${where}: unknown template variable "${name}"`);
  const value = variables[name]!;
  if (key === undefined) {
    if (typeof value === 'object') throw new TemplateError(`${where}: "${name}" is a map; use \${${name}.<key>}`);
    return String(value);
  }
  if (typeof value !== 'object')
    throw new TemplateError(`${where}: "${name}" is not a map, so \${${expression}} has no value`);
  if (!Object.hasOwn(value, key)) throw new TemplateError(`${where}: "${name}" has no key "${key}"`);
  return value[key]!;
}

/**
 * Substitutes `${name}` and `${map.key}`; `$${` and `%%{` are escapes for a literal `${` and `%{`,
 * as in Terraform. Directives (`%{if}`, `%{for}`) and other expressions are rejected, so a template
 * that only Terraform could render fails here instead of rendering differently.
 */
export function renderTemplate(template: string, variables: TemplateVariables, source = 'template'): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const next = template.slice(i).search(/[$%]/);
    if (next < 0) {
      out += template.slice(i);
      break;
    }
    const at = i + next;
    out += template.slice(i, at);
    const sigil = template[at]!;
    const rest = template.slice(at + 1);
    if (rest.startsWith(`${sigil}{`)) {
      out += `${sigil}{`;
      i = at + 3;
    } else if (rest.startsWith('{')) {
      const where = `${source}:${lineOf(template, at)}`;
      if (sigil === '%') throw new TemplateError(`${where}: template directives (%{...}) are not supported`);
      const end = template.indexOf('}', at);
      if (end < 0) throw new TemplateError(`${where}: unterminated \${`);
      out += resolve(template.slice(at + 2, end).trim(), variables, where);
      i = end + 1;
    } else {
      out += sigil;
      i = at + 1;
    }
  }
  return out;
}

/** The invoke ARN API Gateway calls for a function; locally the function name is its key. */
export function localInvokeArn(functionKey: string): string {
  return `arn:aws:apigateway:${LOCAL_REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionKey}/invocations`;
}

const INVOKE_ARN =
  /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path\/2015-03-31\/functions\/(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?)\/invocations$/;

/** The function an integration or authorizer URI invokes, read back from the ARN as API Gateway does. */
export function functionNameFromInvokeArn(uri: string): string {
  const match = INVOKE_ARN.exec(uri);
  if (!match) throw new TemplateError(`"${uri}" is not a Lambda invoke ARN`);
  return match[2]!;
}

export interface LocalVariableOptions {
  /** Every function the template may reference: each operationId and the authorizer. */
  functionKeys: readonly string[];
  /** API Gateway's default is 300 seconds; 0 turns the authorizer cache off. */
  authorizerTtlSeconds?: number;
  /** A single origin or `*`. */
  corsAllowOrigin?: string;
}

/** The variables Terraform passes, filled in for the local gateway. */
export function localTemplateVariables(options: LocalVariableOptions): TemplateVariables {
  return {
    [TEMPLATE_VARIABLES.invokeArns]: Object.fromEntries(options.functionKeys.map((key) => [key, localInvokeArn(key)])),
    [TEMPLATE_VARIABLES.authorizerTtl]: options.authorizerTtlSeconds ?? 300,
    [TEMPLATE_VARIABLES.corsAllowOrigin]: options.corsAllowOrigin ?? '*',
  };
}

/** Reads and renders the definition template; the result is the JSON document API Gateway imports. */
export function loadDefinition(variables: TemplateVariables, path = DEFINITION_TEMPLATE_PATH): Record<string, unknown> {
  const rendered = renderTemplate(readFileSync(path, 'utf8'), variables, path);
  try {
    return JSON.parse(rendered) as Record<string, unknown>;
  } catch (error) {
    throw new TemplateError(`${path}: the rendered definition is not JSON (${(error as Error).message})`);
  }
}
