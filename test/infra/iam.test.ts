import type { Block, TerraformConfig } from './support/terraform';
import { allResources, dataSource, loadTerraform, references } from './support/terraform';

/**
 * `"*"` resources AWS requires for an action (for example xray:PutTraceSegments), each with the
 * reason. Empty today: every statement names its resources.
 */
const WILDCARD_RESOURCES_ALLOWED: Record<string, string> = {};

/** AWS managed policies we attach, each with the reason a managed policy is right there. */
const MANAGED_POLICIES_ALLOWED: Record<string, string> = {
  AmazonAPIGatewayPushToCloudWatchLogs:
    "API Gateway's documented account-wide logging role: it writes access and execution logs for every REST API in the region, so it cannot be scoped to this stack's log groups.",
};

/** Every action any role here is granted. A new one is a reviewed change to this list. */
const ACTIONS_GRANTED = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'ssm:GetParameter',
  'ssm:GetParameters',
  'kms:Decrypt',
  'kms:Sign',
  'ses:SendEmail',
  'lambda:InvokeFunction',
  'sts:AssumeRole',
];

interface Statement {
  sid?: string;
  effect?: string;
  actions?: unknown;
  not_actions?: unknown;
  resources?: unknown;
  not_resources?: unknown;
  condition?: Array<{ test: string; variable: string; values: unknown }>;
  principals?: unknown;
}

/** Statements of a policy document, including those written as dynamic blocks. */
function statementsOf(document: Block): Statement[] {
  const direct = (document.statement ?? []) as Statement[];
  const dynamic = ((document.dynamic as Record<string, Block[]> | undefined)?.statement ?? []).flatMap(
    (block) => (block.content ?? []) as Statement[],
  );
  return [...direct, ...dynamic];
}

function allStatements(tf: TerraformConfig): Array<[string, Statement]> {
  return Object.entries(tf.data.aws_iam_policy_document ?? {}).flatMap(([name, document]) =>
    statementsOf(document).map(
      (statement) => [`data.aws_iam_policy_document.${name}`, statement] as [string, Statement],
    ),
  );
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? (value as string[]) : [String(value)];
}

let tf: TerraformConfig;

beforeAll(async () => {
  tf = await loadTerraform();
});

describe('IAM', () => {
  it('writes every policy as a policy document, never as inline JSON', () => {
    for (const [address, block] of allResources(tf)) {
      for (const attribute of ['policy', 'assume_role_policy']) {
        if (!(attribute in block)) continue;
        expect({ address, attribute, value: block[attribute] }).toEqual({
          address,
          attribute,
          value: expect.stringMatching(/^\$\{data\.aws_iam_policy_document\.[a-z_]+(\[each\.key\])?\.json\}$/),
        });
      }
    }
  });

  it('grants no "*" action and no whole service', () => {
    for (const [document, statement] of allStatements(tf)) {
      expect(statement.not_actions).toBeUndefined();
      for (const action of list(statement.actions)) {
        expect({ document, action }).toEqual({ document, action: expect.stringMatching(/^[a-z0-9-]+:[A-Za-z]+$/) });
      }
    }
  });

  it('grants only the actions the functions and API Gateway need', () => {
    const granted = new Set(allStatements(tf).flatMap(([, statement]) => list(statement.actions)));
    expect([...granted].sort()).toEqual([...ACTIONS_GRANTED].sort());
  });

  it('uses "*" resources only where AWS requires them', () => {
    for (const [document, statement] of allStatements(tf)) {
      expect(statement.not_resources).toBeUndefined();
      if (statement.resources === undefined) continue;
      for (const resource of list(statement.resources)) {
        if (resource !== '*') continue;
        const actions = list(statement.actions);
        expect({ document, actions, allowed: actions.every((a) => a in WILDCARD_RESOURCES_ALLOWED) }).toEqual({
          document,
          actions,
          allowed: true,
        });
      }
    }
  });

  it('attaches no AWS managed policy beyond the allowed ones', () => {
    for (const [address, block] of allResources(tf).filter(([a]) => a.startsWith('aws_iam_role_policy_attachment.'))) {
      const name = /:policy\/(?:service-role\/)?([A-Za-z0-9]+)$/.exec(String(block.policy_arn))?.[1];
      expect({ address, allowed: name !== undefined && name in MANAGED_POLICIES_ALLOWED }).toEqual({
        address,
        allowed: true,
      });
    }
  });

  it('lets a function write only to its own log group', () => {
    const statements = statementsOf(dataSource(tf, 'aws_iam_policy_document.function'));
    const logs = statements.find((s) => list(s.actions).some((a) => a.startsWith('logs:')))!;
    expect(logs.resources).toEqual(['${aws_cloudwatch_log_group.function[each.key].arn}:*']);
  });

  it('lets a function read only the parameters its settings name', () => {
    const statements = statementsOf(dataSource(tf, 'aws_iam_policy_document.function'));
    const ssm = statements.find((s) => list(s.actions).some((a) => a.startsWith('ssm:')))!;
    expect(String(ssm.resources).replace(/\s+/g, ' ')).toBe(
      '${[for secret in each.value.secrets : local.parameters[secret].arn]}',
    );
    expect(references(ssm.resources).sort()).toEqual(['each.value', 'local.parameters']);
  });

  it('grants kms:Decrypt only with a customer managed key, only through SSM, only for the function parameters', () => {
    const document = dataSource(tf, 'aws_iam_policy_document.function');
    const dynamic = (document.dynamic as Record<string, Block[]>).statement!;
    expect(dynamic).toHaveLength(2);
    expect(dynamic.find((d) => (d.content as Block[] | undefined)?.[0]?.sid === 'DecryptOwnParameters')!.for_each).toBe(
      '${var.parameters_kms_key_arn == null || length(each.value.secrets) == 0 ? [] : [var.parameters_kms_key_arn]}',
    );
    const kms = statementsOf(document).find((s) => list(s.actions).includes('kms:Decrypt'))!;
    expect(kms.resources).toEqual(['${statement.value}']);
    expect(kms.condition!.map((c) => c.variable).sort()).toEqual([
      'kms:EncryptionContext:PARAMETER_ARN',
      'kms:ViaService',
    ]);
    const context = kms.condition!.find((c) => c.variable === 'kms:EncryptionContext:PARAMETER_ARN')!;
    expect(context.values).toBe(
      statementsOf(document).find((s) => list(s.actions).includes('ssm:GetParameter'))!.resources,
    );
    // No other statement mentions KMS but the token signers' kms:Sign (test/infra/keys.test.ts).
    expect(
      allStatements(tf).filter(([, s]) => list(s.actions).some((a) => a.startsWith('kms:') && a !== 'kms:Sign')),
    ).toHaveLength(1);
  });

  it('lets a function that defers jobs invoke itself, by an ARN built from its name, and nothing else', () => {
    const document = dataSource(tf, 'aws_iam_policy_document.defer_jobs');
    expect(document.for_each).toBe('${local.job_deferrers}');
    expect(statementsOf(document)).toEqual([
      { sid: 'InvokeItselfToDeferJobs', actions: ['lambda:InvokeFunction'], resources: ['${each.value.arn}'] },
    ]);
    expect(tf.locals.job_deferrers).toContain('if local.generated.functions[key].defers_jobs');
    expect(String(tf.locals.job_deferrers)).toContain(
      'arn:${local.partition}:lambda:${var.region}:${local.account_id}:function:${local.name}-${key}',
    );
    // Not aws_lambda_function.this's ARN: the function waits for this policy, so that would be a cycle.
    expect(references(tf.locals.job_deferrers)).not.toContain('aws_lambda_function.this');
    const others = allStatements(tf).filter(([name]) => name !== 'data.aws_iam_policy_document.defer_jobs');
    expect(others.filter(([, s]) => list(s.actions).some((a) => a.startsWith('lambda:')))).toEqual([]);
  });

  it('lets only Lambda assume the function roles', () => {
    const assume = statementsOf(dataSource(tf, 'aws_iam_policy_document.lambda_assume'));
    expect(assume).toEqual([
      { actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] },
    ]);
  });
});
