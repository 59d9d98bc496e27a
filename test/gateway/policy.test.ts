import { evaluatePolicy, methodArn, parseAuthorizerResult, POLICY_DECISION } from '../../local/gateway';
import type { PolicyStatement } from '../../local/gateway';

const ARN = methodArn({
  region: 'local',
  account: '000000000000',
  apiId: 'api',
  stage: 'local',
  method: 'GET',
  path: '/users/42',
});
const allow = (resources: string[], actions = ['execute-api:Invoke']): PolicyStatement => ({
  effect: 'Allow',
  actions,
  resources,
});
const deny = (resources: string[], actions = ['execute-api:Invoke']): PolicyStatement => ({
  effect: 'Deny',
  actions,
  resources,
});

describe('methodArn', () => {
  it('builds the ARN API Gateway authorizes: api, stage, method and the path without its leading slash', () => {
    expect(ARN).toBe('arn:aws:execute-api:local:000000000000:api/local/GET/users/42');
  });
});

describe('evaluatePolicy', () => {
  it.each<[string, PolicyStatement[], string]>([
    ['an Allow for the exact ARN', [allow([ARN])], POLICY_DECISION.allow],
    [
      'a * for the whole path',
      [allow(['arn:aws:execute-api:local:000000000000:api/local/GET/*'])],
      POLICY_DECISION.allow,
    ],
    ['a * inside a segment', [allow(['arn:aws:execute-api:*:*:api/*/GET/users/*'])], POLICY_DECISION.allow],
    [
      'a ? for one character',
      [allow(['arn:aws:execute-api:local:000000000000:api/local/GET/users/4?'])],
      POLICY_DECISION.allow,
    ],
    ['execute-api:* as the action', [allow([ARN], ['execute-api:*'])], POLICY_DECISION.allow],
    ['* as the action', [allow([ARN], ['*'])], POLICY_DECISION.allow],
    ['the action in another case', [allow([ARN], ['Execute-API:invoke'])], POLICY_DECISION.allow],
    [
      'an Allow for another method',
      [allow(['arn:aws:execute-api:local:000000000000:api/local/POST/*'])],
      POLICY_DECISION.implicitDeny,
    ],
    ['an Allow for another action', [allow([ARN], ['execute-api:ManageConnections'])], POLICY_DECISION.implicitDeny],
    ['an Allow whose resource differs in case', [allow([ARN.toUpperCase()])], POLICY_DECISION.implicitDeny],
    ['no statements', [], POLICY_DECISION.implicitDeny],
    ['a Deny next to a broader Allow', [allow(['*']), deny([ARN])], POLICY_DECISION.explicitDeny],
    [
      'a Deny for another path next to an Allow',
      [allow(['*']), deny(['arn:aws:execute-api:*:*:api/*/GET/admin'])],
      POLICY_DECISION.allow,
    ],
  ])('decides %s', (_what, statements, decision) => {
    expect(evaluatePolicy(statements, ARN)).toBe(decision);
  });

  it('treats regex characters in a resource literally', () => {
    expect(evaluatePolicy([allow(['arn:aws:execute-api:local:000000000000:api/local/GET/users/4.'])], ARN)).toBe(
      POLICY_DECISION.implicitDeny,
    );
  });
});

describe('parseAuthorizerResult', () => {
  const policyDocument = {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: ARN }],
  };

  it('stringifies context values for the integration', () => {
    const parsed = parseAuthorizerResult({ principalId: 'u1', policyDocument, context: { s: 'x', n: 7, b: true } });

    expect(parsed).toEqual({
      ok: true,
      result: { principalId: 'u1', statements: [allow([ARN])], context: { s: 'x', n: '7', b: 'true' } },
    });
  });

  it('keeps context keys named like Object.prototype members as plain keys', () => {
    const value: unknown = JSON.parse(
      `{"principalId":"u1","policyDocument":${JSON.stringify(policyDocument)},"context":{"__proto__":"p","constructor":1,"toString":true}}`,
    );

    const parsed = parseAuthorizerResult(value);

    const context = parsed.ok ? parsed.result.context : {};
    expect(Object.entries(context)).toEqual([
      ['__proto__', 'p'],
      ['constructor', '1'],
      ['toString', 'true'],
    ]);
    expect(Object.getPrototypeOf(context)).toBe(Object.prototype);
  });

  it.each([
    ['not an object', 'Allow', 'the authorizer returned a string, not an object'],
    ['no principalId', { policyDocument }, 'principalId is missing'],
    ['no policy', { principalId: 'u' }, 'policyDocument is missing'],
    [
      'no statements',
      { principalId: 'u', policyDocument: { Version: '2012-10-17' } },
      'policyDocument.Statement is missing',
    ],
    [
      'a bad Effect',
      { principalId: 'u', policyDocument: { Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] } },
      'Statement[0].Effect must be Allow or Deny',
    ],
    [
      'no Action',
      { principalId: 'u', policyDocument: { Statement: [{ Effect: 'Allow', Resource: '*' }] } },
      'Statement[0].Action must be',
    ],
    [
      'an empty Resource list',
      { principalId: 'u', policyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: [] }] } },
      'Statement[0].Resource must be',
    ],
    [
      'a Condition',
      {
        principalId: 'u',
        policyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: {} }] },
      },
      'Condition is not reproduced',
    ],
    [
      'an object in the context',
      { principalId: 'u', policyDocument, context: { user: { id: 1 } } },
      'context.user is an object',
    ],
    ['null in the context', { principalId: 'u', policyDocument, context: { user: null } }, 'context.user is null'],
  ])('rejects a result with %s', (_what, value, reason) => {
    const parsed = parseAuthorizerResult(value);

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });
});
