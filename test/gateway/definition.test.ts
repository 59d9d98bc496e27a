import { TEMPLATE_VARIABLES } from '../../scripts/contract/api-gateway';
import { listFunctionKeys } from '../../scripts/build';
import {
  functionNameFromInvokeArn,
  loadDefinition,
  localInvokeArn,
  localTemplateVariables,
  renderTemplate,
  TemplateError,
} from '../../local/gateway';

describe('renderTemplate', () => {
  const variables = { name: 'auth', ttl: 300, flag: true, arns: { register: 'arn:register', me: 'arn:me' } };

  it('substitutes ${name} and ${map.key} as templatefile() does, numbers and bools as their text', () => {
    expect(renderTemplate('{"n":"${name}","t":${ttl},"f":${flag},"uri":"${arns.register}"}', variables)).toBe(
      '{"n":"auth","t":300,"f":true,"uri":"arn:register"}',
    );
  });

  it('allows spaces inside the braces', () => {
    expect(renderTemplate('${ name } ${ arns.me }', variables)).toBe('auth arn:me');
  });

  it('keeps $${ and %%{ as the literal ${ and %{, and lone $ and % as they are', () => {
    expect(renderTemplate('$${name} %%{x} $context.requestId 100%', variables)).toBe(
      '${name} %{x} $context.requestId 100%',
    );
  });

  it.each([
    ['an unknown variable', '${nope}', 'template:1: unknown template variable "nope"'],
    ['a missing map key', '${arns.login}', 'template:1: "arns" has no key "login"'],
    ['a map used as a value', '${arns}', 'template:1: "arns" is a map; use ${arns.<key>}'],
    ['a key on a plain value', '${name.first}', 'template:1: "name" is not a map, so ${name.first} has no value'],
    [
      'a function call',
      '${upper(name)}',
      'template:1: ${upper(name)} is not supported; only ${name} and ${map.key} are',
    ],
    ['a directive', '%{ if flag }x%{ endif }', 'template:1: template directives (%{...}) are not supported'],
    ['an unterminated placeholder', '${name', 'template:1: unterminated ${'],
  ])('rejects %s, naming the line', (_what, template, message) => {
    expect(() => renderTemplate(template, variables)).toThrow(new TemplateError(message));
  });

  it('names the line of the problem', () => {
    expect(() => renderTemplate('{\n\n"x": "${nope}"\n}', variables, 'api.tftpl')).toThrow(
      'api.tftpl:3: unknown template variable "nope"',
    );
  });
});

describe('local invoke ARNs', () => {
  it('round-trips a function key through the invoke ARN, as API Gateway reads the function from it', () => {
    const arn = localInvokeArn('listUsers');

    expect(arn).toBe(
      'arn:aws:apigateway:local:lambda:path/2015-03-31/functions/arn:aws:lambda:local:000000000000:function:listUsers/invocations',
    );
    expect(functionNameFromInvokeArn(arn)).toBe('listUsers');
  });

  it('reads the function name from a real AWS invoke ARN, alias included', () => {
    const arn =
      'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:auth-api-prod-login:live/invocations';

    expect(functionNameFromInvokeArn(arn)).toBe('auth-api-prod-login');
  });

  it('rejects a URI that is not a Lambda invoke ARN', () => {
    expect(() => functionNameFromInvokeArn('https://example.com/backend')).toThrow(
      '"https://example.com/backend" is not a Lambda invoke ARN',
    );
  });
});

describe('loadDefinition', () => {
  it('renders generated/api-gateway.json.tftpl with the variables Terraform passes into JSON', () => {
    const variables = localTemplateVariables({
      functionKeys: listFunctionKeys(),
      authorizerTtlSeconds: 60,
      corsAllowOrigin: 'https://app.example.com',
    });

    const definition = loadDefinition(variables) as {
      paths: Record<string, Record<string, { 'x-amazon-apigateway-integration'?: { uri?: string } }>>;
      components: {
        securitySchemes: Record<
          string,
          { 'x-amazon-apigateway-authorizer'?: { authorizerResultTtlInSeconds: number } }
        >;
      };
    };

    expect(Object.keys(variables).sort()).toEqual(Object.values(TEMPLATE_VARIABLES).sort());
    expect(definition.paths['/register']!.post!['x-amazon-apigateway-integration']!.uri).toBe(
      localInvokeArn('register'),
    );
    expect(
      definition.components.securitySchemes.bearerAuth!['x-amazon-apigateway-authorizer']!.authorizerResultTtlInSeconds,
    ).toBe(60);
    expect(JSON.stringify(definition)).toContain("'https://app.example.com'");
  });

  it('fails with the missing function named when the template references one the variables lack', () => {
    const variables = localTemplateVariables({ functionKeys: listFunctionKeys().filter((key) => key !== 'listUsers') });

    expect(() => loadDefinition(variables)).toThrow(/"invoke_arns" has no key "listUsers"/);
  });
});
