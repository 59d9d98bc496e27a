/**
 * Every example in the contract is one the API accepts or produces: consumers copy them, Swagger
 * UI's "Try it out" sends them, Dredd and Prism replay them. Request examples are sent through the
 * functions and must succeed; response and schema examples must match their schemas; problem
 * examples carry the status they are declared under; the token example has the claims issue() makes.
 */
import '../support/lambda-environment';
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import jwt from 'jsonwebtoken';
import { ObjectId } from 'mongodb';
import { handler as changePassword } from '../../functions/changePassword/handler';
import { handler as forgotPassword } from '../../functions/forgotPassword/handler';
import { handler as resetPassword } from '../../functions/resetPassword/handler';
import { handler as verifyEmail } from '../../functions/verifyEmail/handler';
import { handler as deleteMe } from '../../functions/deleteMe/handler';
import { handler as logout } from '../../functions/logout/handler';
import { handler as refreshToken } from '../../functions/refreshToken/handler';
import { handler as listUsers } from '../../functions/listUsers/handler';
import { handler as login } from '../../functions/login/handler';
import { handler as register } from '../../functions/register/handler';
import { KEY_ID } from '../../functions/shared/signing-keys';
import { createTokenIssuer } from '../../functions/shared/token-issuer';
import { createLocalSigner } from '../../functions/shared/token-signer';
import { publishedSpec, schemaErrorsAt } from '../support/contract';
import { CURRENT_KEY } from '../support/keys';
import { useFunctionDatabase } from '../support/function-database';
import { authorizedBy, proxyEvent } from '../support/events';
import type { ProxyRequest } from '../support/events';
import { invokeHttp } from '../support/invoke';

const database = useFunctionDatabase('contract-examples');

type Json = Record<string, unknown>;
type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const spec = publishedSpec();
const paths = spec.paths as Record<string, Record<string, Json>>;

interface Example {
  /** Where it stands in the spec, as a JSON Pointer. */
  at: string;
  value: unknown;
}

const escape = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** `example` and every `examples/*\/value` of a node of the spec. */
function examplesOf(node: Json, at: string): Example[] {
  const found: Example[] = [];
  if ('example' in node) found.push({ at: `${at}/example`, value: node.example });
  for (const [name, example] of Object.entries((node.examples ?? {}) as Record<string, Json>))
    found.push({ at: `${at}/examples/${escape(name)}`, value: example.value });
  return found;
}

/** Every schema node (components, properties, items) that carries an example. */
function schemaExamples(schema: Json, at: string): Array<Example & { schemaAt: string }> {
  const own = 'example' in schema ? [{ at: `${at}/example`, value: schema.example, schemaAt: at }] : [];
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Json>).flatMap(([name, property]) =>
    schemaExamples(property, `${at}/properties/${escape(name)}`),
  );
  const items = schema.items === undefined ? [] : schemaExamples(schema.items as Json, `${at}/items`);
  return [...own, ...properties, ...items];
}

const HANDLERS: Readonly<Record<string, Handler>> = {
  register,
  login,
  refreshToken,
  logout,
  listUsers,
  deleteMe,
  changePassword,
  // Answers 202 whether its job could be queued or not (there is no Lambda here to queue it on).
  forgotPassword: forgotPassword as unknown as Handler,
  resetPassword,
  verifyEmail,
};

/** The user the examples speak of: the register example creates them, the others act as them. */
const EXAMPLE_PASSWORD = 'correct-horse-battery-staple';
let exampleAccessToken = '';

/** A live session of the example user whose refresh token is the one an example shows. */
async function seedSession(refreshToken: string): Promise<void> {
  const claims = jwt.decode(exampleAccessToken) as { sub: string };
  const now = new Date();
  await database.sessions().insertOne({
    userId: new ObjectId(claims.sub),
    tokenHash: createHash('sha256').update(refreshToken).digest('hex'),
    previousTokenHash: null,
    rotatedAt: null,
    previousTokenReused: false,
    createdAt: now,
    lastUsedAt: now,
    absoluteExpiresAt: new Date(now.getTime() + 86_400_000),
    expiresAt: new Date(now.getTime() + 86_400_000),
    userAgent: 'jest',
    ipAddress: '203.0.113.7',
    revokedAt: null,
    revokeReason: null,
  });
}

/** A live emailed link of the example user whose token is the one an example shows. */
async function seedLinkToken(token: string, purpose: 'password_reset' | 'email_verification'): Promise<void> {
  const claims = jwt.decode(exampleAccessToken) as { sub: string };
  const now = new Date();
  await database.linkTokens().insertOne({
    _id: createHash('sha256').update(token).digest('hex') as unknown as ObjectId,
    userId: new ObjectId(claims.sub),
    purpose,
    issuedBy: null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + 600_000),
  });
}

/**
 * What each example needs to succeed, in the order they are sent: the example user exists once
 * register ran; refresh tokens in examples are given a session; protected operations act as a
 * signed-in user (account deletion as a second user with the same password, so the rest still can).
 */
const ARRANGE: ReadonlyArray<[string, (body: Json | undefined) => Promise<Partial<ProxyRequest>>]> = [
  ['register', async () => ({})],
  ['login', async () => ({})],
  ['refreshToken', async (body) => (await seedSession(body!.refreshToken as string), {})],
  ['logout', async (body) => (await seedSession(body!.refreshToken as string), {})],
  ['listUsers', async () => ({})],
  [
    'deleteMe',
    async () => {
      const other = await invokeHttp(
        'register',
        register,
        proxyEvent({
          path: '/register',
          body: { name: 'Other', email: 'other@example.com', password: EXAMPLE_PASSWORD },
        }),
      );
      return { authorizer: authorizedBy(other.body.token as string) };
    },
  ],
  ['changePassword', async () => ({ authorizer: authorizedBy(exampleAccessToken) })],
  ['forgotPassword', async () => ({})],
  ['verifyEmail', async (body) => (await seedLinkToken(body!.token as string, 'email_verification'), {})],
  // Last: a reset ends every session of the example user.
  ['resetPassword', async (body) => (await seedLinkToken(body!.token as string, 'password_reset'), {})],
];
const ORDER = ARRANGE.map(([operationId]) => operationId);

interface Operation {
  operationId: string;
  path: string;
  method: string;
  op: Json;
}

const operations: Operation[] = Object.entries(paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({
    operationId: op.operationId as string,
    path,
    method: method.toUpperCase(),
    op,
  })),
);

function requestCases(operation: Operation): Array<{ label: string; request: ProxyRequest }> {
  const body = (operation.op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  const bodies = body === undefined ? [undefined] : examplesOf(body['application/json']!, '').map((e) => e.value);
  const parameters = (operation.op.parameters ?? []) as Json[];
  const query = Object.fromEntries(
    parameters.filter((p) => p.in === 'query' && 'example' in p).map((p) => [p.name as string, String(p.example)]),
  );
  return bodies.map((value, index) => ({
    label: `${operation.operationId} example ${index + 1}`,
    request: { method: operation.method, path: operation.path, ...(value === undefined ? {} : { body: value }), query },
  }));
}

const sendable = operations.filter(
  (operation) =>
    examplesOf(
      ((operation.op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined)?.[
        'application/json'
      ] ?? {},
      '',
    ).length > 0 || ((operation.op.parameters ?? []) as Json[]).some((p) => 'example' in p),
);

describe('request examples', () => {
  it('has a handler here for every operation whose examples can be sent', () => {
    expect(sendable.map((operation) => operation.operationId).sort()).toEqual([...ORDER].sort());
  });

  const cases = ORDER.flatMap((operationId) =>
    requestCases(operations.find((operation) => operation.operationId === operationId)!).map((c) => ({
      ...c,
      operationId,
    })),
  );

  it.each(cases)('$label is accepted by the API', async ({ operationId, request }) => {
    const arrange = ARRANGE.find(([id]) => id === operationId)![1];
    const extra = await arrange(request.body as Json | undefined);

    const { response, body } = await invokeHttp(
      operationId,
      HANDLERS[operationId]!,
      proxyEvent({ ...request, ...extra }),
    );

    expect(response.statusCode).toBeGreaterThanOrEqual(200);
    expect(response.statusCode).toBeLessThan(300);
    if (operationId === 'register') exampleAccessToken = body.token as string;
  });
});

describe('response and schema examples', () => {
  const responseExamples = operations.flatMap(({ operationId, path, method, op }) =>
    Object.entries(op.responses as Record<string, Json>).flatMap(([status, response]) => {
      const base = `#/paths/${escape(path)}/${method.toLowerCase()}/responses/${status}`;
      const ref = typeof response.$ref === 'string' ? response.$ref : undefined;
      const resolved =
        ref === undefined
          ? response
          : ref
              .slice(2)
              .split('/')
              .reduce<Json>((node, key) => node[key] as Json, spec);
      const at = ref ?? base;
      return Object.entries((resolved.content ?? {}) as Record<string, Json>).flatMap(([media, content]) =>
        examplesOf(content, `${at}/content/${escape(media)}`).map((example) => ({
          label: `${operationId} ${status} ${example.at}`,
          status: Number(status),
          schemaAt: (content.schema as Json).$ref as string,
          ...example,
        })),
      );
    }),
  );

  // A shared response (#/components/responses/...) is checked once, under the first operation that uses it.
  const uniqueResponseExamples = responseExamples.filter(
    (example, index) => responseExamples.findIndex((other) => other.at === example.at) === index,
  );

  it('finds the examples it checks', () => {
    expect(uniqueResponseExamples.length).toBeGreaterThan(15);
  });

  it.each(uniqueResponseExamples)('$label matches its schema', ({ schemaAt, value }) => {
    expect(schemaErrorsAt(schemaAt, value)).toEqual([]);
  });

  it.each(uniqueResponseExamples.filter((example) => example.status >= 400))(
    '$label is a problem with the status it is declared under',
    ({ status, value }) => {
      expect((value as { status: number }).status).toBe(status);
    },
  );

  const components = spec.components as { schemas: Record<string, Json> };
  const fromSchemas = Object.entries(components.schemas).flatMap(([name, schema]) =>
    schemaExamples(schema, `#/components/schemas/${escape(name)}`),
  );

  it.each(fromSchemas.map((example) => ({ ...example, label: example.at })))(
    '$label matches its schema',
    ({ schemaAt, value }) => {
      expect(schemaErrorsAt(schemaAt, value)).toEqual([]);
    },
  );
});

describe('the token examples', () => {
  const tokens = responseExamples();

  function responseExamples(): Array<{ at: string; token: string; expiresIn: number; userId?: string }> {
    return operations.flatMap(({ op }) =>
      Object.values(op.responses as Record<string, Json>).flatMap((response) =>
        Object.values((response.content ?? {}) as Record<string, Json>).flatMap((content) =>
          examplesOf(content, '')
            .map((example) => example.value as { token?: string; expiresIn?: number; user?: { id: string } })
            .filter((value) => typeof value.token === 'string')
            .map((value) => ({
              at: op.operationId as string,
              token: value.token!,
              expiresIn: value.expiresIn!,
              ...(value.user === undefined ? {} : { userId: value.user.id }),
            })),
        ),
      ),
    );
  }

  it('finds the register, login and refresh token examples', () => {
    expect(tokens.map((t) => t.at).sort()).toEqual(['login', 'refreshToken', 'register']);
  });

  it.each(tokens)(
    '$at shows a token with the header and claims issue() makes, living expiresIn seconds',
    async ({ token, expiresIn, userId }) => {
      const example = jwt.decode(token, { complete: true })!;
      const signer = createLocalSigner(String(example.header.kid), CURRENT_KEY.privateKey);
      const issued = await createTokenIssuer(
        { issuer: 'https://i.example', audience: 'a', ttlSeconds: expiresIn },
        signer,
      ).issue('665f1c2a9e4b3c0012abcdef', '665f1c2a9e4b3c0012abcd01');
      const ours = jwt.decode(issued.token, { complete: true })!;
      const claims = example.payload as jwt.JwtPayload;

      expect(example.header.kid).toMatch(KEY_ID);
      expect(example.header).toEqual(ours.header);
      expect(example.signature).toHaveLength(86);
      expect(Object.keys(claims).sort()).toEqual(Object.keys(ours.payload as object).sort());
      expect(claims.exp! - claims.iat!).toBe(expiresIn);
      if (userId !== undefined) expect(claims.sub).toBe(userId);
    },
  );
});
