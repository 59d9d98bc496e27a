import { allowPolicy, bearerToken } from '../../functions/authorizer/authorize';
import { stageResource } from '../../functions/authorizer/method-arn';
import { IntegrationError, TokenRejected } from '../../functions/shared/errors';

function rejection(authorization: string | undefined): string | undefined {
  try {
    bearerToken(authorization);
    return undefined;
  } catch (error) {
    if (error instanceof TokenRejected) return error.rejection;
    throw error;
  }
}

describe('bearerToken', () => {
  it.each([
    ['Bearer a.b.c', 'a.b.c'],
    ['bearer a.b.c', 'a.b.c'],
    ['BEARER   a.b.c  ', 'a.b.c'],
    ['a.b.c', 'a.b.c'],
    ['  a.b.c', 'a.b.c'],
    ['Bearera.b.c', 'Bearera.b.c'],
  ])('reads %j as %j', (authorization, token) => {
    expect(bearerToken(authorization)).toBe(token);
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['Bearer', 'missing'],
    ['Bearer    ', 'missing'],
    ['Bearer a.b.c d', 'malformed'],
    ['Basic dXNlcjpwYXNz', 'malformed'],
  ])('refuses %j as %s', (authorization, reason) => {
    expect(rejection(authorization)).toBe(reason);
  });
});

describe('stageResource', () => {
  it.each([
    [
      'arn:aws:execute-api:eu-west-1:123456789012:abc123defg/prod/GET/me',
      'arn:aws:execute-api:eu-west-1:123456789012:abc123defg/prod/*',
    ],
    [
      'arn:aws:execute-api:us-east-1:123456789012:abc123defg/dev/POST/users/x/y',
      'arn:aws:execute-api:us-east-1:123456789012:abc123defg/dev/*',
    ],
    [
      'arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:api/stage_1/*/',
      'arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:api/stage_1/*',
    ],
    [
      'arn:aws:execute-api:local:000000000000:local/local/GET/me',
      'arn:aws:execute-api:local:000000000000:local/local/*',
    ],
  ])('widens %s to its whole stage', (methodArn, resource) => {
    expect(stageResource(methodArn)).toBe(resource);
  });

  it.each([
    '',
    'arn:aws:lambda:eu-west-1:123456789012:function:x',
    'arn:aws:execute-api:eu-west-1:123456789012:abc123defg',
    'arn:aws:execute-api:eu-west-1:1234:abc123defg/prod/GET/me',
    'arn:aws:execute-api:eu-west-1:123456789012:abc/../prod/GET/me',
  ])('refuses %j as a deployment error', (methodArn) => {
    expect(() => stageResource(methodArn)).toThrow(IntegrationError);
  });
});

describe('allowPolicy', () => {
  it("allows invoking the resource for the user and passes the user id, the session id and the token's expiry on", () => {
    const token = {
      userId: '665f1c2a9e4b3c0012abcdef',
      sessionId: '665f1c2a9e4b3c0012abcd01',
      expiresAt: 1_769_861_700,
    };
    expect(allowPolicy(token, 'arn:aws:execute-api:eu-west-1:123456789012:abc/prod/*')).toEqual({
      principalId: '665f1c2a9e4b3c0012abcdef',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc/prod/*',
          },
        ],
      },
      context: { userId: '665f1c2a9e4b3c0012abcdef', sid: '665f1c2a9e4b3c0012abcd01', exp: 1_769_861_700 },
    });
  });
});
