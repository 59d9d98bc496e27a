/**
 * API Gateway's Lambda TOKEN authorizer: the identity check, the per-token result cache, and the
 * policy evaluation against each request's method ARN.
 */
import type { TokenAuthorizer } from './api';
import type { Invocation } from './lambda/instance';
import type { AuthorizerResult } from './policy';
import { evaluatePolicy, parseAuthorizerResult, POLICY_DECISION } from './policy';

/** How an authorization ended, with the gateway response type and AWS's message for a refusal. */
export type AuthorizationOutcome =
  | { allowed: true; principalId: string; context: Record<string, string> }
  | {
      allowed: false;
      type: 'UNAUTHORIZED' | 'ACCESS_DENIED' | 'AUTHORIZER_CONFIGURATION_ERROR';
      message: string | null;
      reason: string;
    };

export interface Authorization {
  outcome: AuthorizationOutcome;
  /** Whether the result came from the cache. */
  cached: boolean;
  /** The authorizer's invocation, when it ran. */
  invocation?: Invocation;
}

interface CacheEntry {
  expiresAt: number;
  result: AuthorizerResult;
}

/** API Gateway keeps cached results per stage; a bound keeps a flood of distinct tokens from growing memory. */
const MAX_CACHE_ENTRIES = 10_000;

const MESSAGES = {
  unauthorized: 'Unauthorized',
  explicitDeny: 'User is not authorized to access this resource with an explicit deny',
  implicitDeny: 'User is not authorized to access this resource',
} as const;

export class TokenAuthorizerRunner {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    readonly config: TokenAuthorizer,
    private readonly invoke: (event: unknown) => Promise<Invocation>,
    private readonly now: () => number,
  ) {}

  /** Forgets every cached result, as a new deployment of the stage does. */
  flush(): void {
    this.cache.clear();
  }

  /**
   * @param token the raw value of the identity header (`Authorization`), undefined when absent
   * @param methodArn the ARN of this request's method, with its real path
   */
  async authorize(token: string | undefined, methodArn: string): Promise<Authorization> {
    if (token === undefined || token === '') {
      return {
        outcome: {
          allowed: false,
          type: 'UNAUTHORIZED',
          message: MESSAGES.unauthorized,
          reason: `no ${this.config.header} header`,
        },
        cached: false,
      };
    }
    if (this.config.validationExpression && !this.config.validationExpression.test(token)) {
      return {
        outcome: {
          allowed: false,
          type: 'UNAUTHORIZED',
          message: MESSAGES.unauthorized,
          reason: 'the token does not match the identity validation expression',
        },
        cached: false,
      };
    }

    const hit = this.cache.get(token);
    if (hit && hit.expiresAt > this.now()) return { outcome: this.decide(hit.result, methodArn), cached: true };
    if (hit) this.cache.delete(token);

    const invocation = await this.invoke({ type: 'TOKEN', authorizationToken: token, methodArn });
    if (invocation.outcome.kind === 'error') {
      const { errorType, errorMessage } = invocation.outcome;
      // Only an error whose message is exactly "Unauthorized" means 401; anything else is the authorizer failing.
      if (errorMessage === MESSAGES.unauthorized) {
        return {
          outcome: {
            allowed: false,
            type: 'UNAUTHORIZED',
            message: MESSAGES.unauthorized,
            reason: 'the authorizer answered Unauthorized',
          },
          cached: false,
          invocation,
        };
      }
      return {
        outcome: {
          allowed: false,
          type: 'AUTHORIZER_CONFIGURATION_ERROR',
          message: null,
          reason: `the authorizer failed: ${errorType}: ${errorMessage}`,
        },
        cached: false,
        invocation,
      };
    }
    const parsed = parseAuthorizerResult(invocation.outcome.payload);
    if (!parsed.ok) {
      return {
        outcome: {
          allowed: false,
          type: 'AUTHORIZER_CONFIGURATION_ERROR',
          message: null,
          reason: `invalid authorizer response: ${parsed.reason}`,
        },
        cached: false,
        invocation,
      };
    }
    if (this.config.ttlSeconds > 0) {
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(token, { expiresAt: this.now() + this.config.ttlSeconds * 1000, result: parsed.result });
    }
    return { outcome: this.decide(parsed.result, methodArn), cached: false, invocation };
  }

  /** The cached policy is evaluated again for every request: one token may allow /me and not /admin. */
  private decide(result: AuthorizerResult, methodArn: string): AuthorizationOutcome {
    const decision = evaluatePolicy(result.statements, methodArn);
    if (decision === POLICY_DECISION.allow)
      return { allowed: true, principalId: result.principalId, context: result.context };
    const explicit = decision === POLICY_DECISION.explicitDeny;
    return {
      allowed: false,
      type: 'ACCESS_DENIED',
      message: explicit ? MESSAGES.explicitDeny : MESSAGES.implicitDeny,
      reason: explicit ? `the policy denies ${methodArn}` : `no statement allows ${methodArn}`,
    };
  }
}
