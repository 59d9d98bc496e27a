/**
 * The result of a Lambda TOKEN authorizer and its IAM policy, checked and evaluated the way
 * API Gateway does: against the method ARN of each request, explicit Deny beating Allow.
 */
import { describeValue, isObject } from './describe';

export interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
}

export interface AuthorizerResult {
  principalId: string;
  statements: PolicyStatement[];
  /** Already stringified, as the integration receives them. */
  context: Record<string, string>;
}

export type ParsedAuthorizerResult = { ok: true; result: AuthorizerResult } | { ok: false; reason: string };

export const POLICY_DECISION = {
  allow: 'allow',
  /** A Deny statement matched: AWS says "... with an explicit deny". */
  explicitDeny: 'explicit-deny',
  /** No Allow statement matched. */
  implicitDeny: 'implicit-deny',
} as const;
export type PolicyDecision = (typeof POLICY_DECISION)[keyof typeof POLICY_DECISION];

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value;
  return undefined;
}

function parseStatement(raw: unknown, index: number): PolicyStatement | string {
  if (!isObject(raw)) return `Statement[${index}] is not an object`;
  for (const key of ['NotAction', 'NotResource', 'Condition', 'Principal', 'NotPrincipal']) {
    if (key in raw) return `Statement[${index}].${key} is not reproduced by the local gateway`;
  }
  const effect = typeof raw.Effect === 'string' ? raw.Effect.toLowerCase() : undefined;
  if (effect !== 'allow' && effect !== 'deny') return `Statement[${index}].Effect must be Allow or Deny`;
  const actions = stringList(raw.Action);
  if (!actions) return `Statement[${index}].Action must be a string or a list of strings`;
  const resources = stringList(raw.Resource);
  if (!resources) return `Statement[${index}].Resource must be a string or a list of strings`;
  return { effect: effect === 'allow' ? 'Allow' : 'Deny', actions, resources };
}

/**
 * Checks what an authorizer returned. A missing principal or policy, a malformed statement, or a
 * context value that is not a string, number or boolean is an authorizer configuration error (500).
 */
export function parseAuthorizerResult(value: unknown): ParsedAuthorizerResult {
  if (!isObject(value)) return { ok: false, reason: `the authorizer returned ${describeValue(value)}, not an object` };
  if (typeof value.principalId !== 'string' && typeof value.principalId !== 'number') {
    return { ok: false, reason: 'principalId is missing' };
  }
  const document = value.policyDocument;
  if (!isObject(document)) return { ok: false, reason: 'policyDocument is missing' };
  const rawStatements = Array.isArray(document.Statement)
    ? document.Statement
    : isObject(document.Statement)
      ? [document.Statement]
      : undefined;
  if (!rawStatements) return { ok: false, reason: 'policyDocument.Statement is missing' };
  const statements: PolicyStatement[] = [];
  for (const [index, raw] of rawStatements.entries()) {
    const statement = parseStatement(raw, index);
    if (typeof statement === 'string') return { ok: false, reason: `policyDocument.${statement}` };
    statements.push(statement);
  }
  const context = new Map<string, string>();
  if (value.context !== undefined && value.context !== null) {
    if (!isObject(value.context)) return { ok: false, reason: 'context must be an object' };
    for (const [key, v] of Object.entries(value.context)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        return {
          ok: false,
          reason: `context.${key} is ${describeValue(v)}; only strings, numbers and booleans are allowed`,
        };
      }
      context.set(key, String(v));
    }
  }
  // A Map, then own properties: a key like `__proto__` stays a key instead of reaching the prototype.
  return {
    ok: true,
    result: { principalId: String(value.principalId), statements, context: Object.fromEntries(context) },
  };
}

/** IAM wildcards: `*` any run of characters, `?` any one. */
function wildcard(pattern: string, flags = ''): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, flags);
}

const INVOKE_ACTION = 'execute-api:Invoke';

function matches(statement: PolicyStatement, methodArn: string): boolean {
  // Action names are case-insensitive in IAM; resource ARNs are not.
  const action = statement.actions.some((a) => wildcard(a, 'i').test(INVOKE_ACTION));
  return action && statement.resources.some((r) => wildcard(r).test(methodArn));
}

/** Explicit Deny beats any Allow; without a matching Allow the request is denied. */
export function evaluatePolicy(statements: readonly PolicyStatement[], methodArn: string): PolicyDecision {
  const matching = statements.filter((s) => matches(s, methodArn));
  if (matching.some((s) => s.effect === 'Deny')) return POLICY_DECISION.explicitDeny;
  if (matching.some((s) => s.effect === 'Allow')) return POLICY_DECISION.allow;
  return POLICY_DECISION.implicitDeny;
}

/** The ARN a request's method is authorized against: `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`. */
export function methodArn(parts: {
  region: string;
  account: string;
  apiId: string;
  stage: string;
  method: string;
  path: string;
}): string {
  return `arn:aws:execute-api:${parts.region}:${parts.account}:${parts.apiId}/${parts.stage}/${parts.method}/${parts.path.replace(/^\//, '')}`;
}
