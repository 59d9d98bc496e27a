import type { Block, TerraformConfig } from './support/terraform';
import { dataSource, loadTerraform, resource } from './support/terraform';

let tf: TerraformConfig;

beforeAll(async () => {
  tf = await loadTerraform();
});

const oneLine = (value: unknown) => String(value).replace(/\s+/g, ' ');

describe('email through SES', () => {
  it('derives who sends from the code: the email profile follows the generated sends_email fact', () => {
    const profiles = oneLine(tf.locals.function_profiles);
    expect(profiles).toContain('email = code.sends_email ? "send" : "none"');
    expect(oneLine(tf.locals.email_senders)).toBe(
      '${{ for key, function in local.functions : key => function if function.email == "send" }}',
    );
    expect(resource(tf, 'aws_iam_role_policy.send_email').for_each).toBe('${local.email_senders}');
  });

  it('grants ses:SendEmail only, only on the identity and the configuration set, only from the configured address', () => {
    const statements = dataSource(tf, 'aws_iam_policy_document.send_email').statement as Array<
      Block & { condition: Array<Record<string, unknown>> }
    >;

    expect(statements).toHaveLength(1);
    expect(statements[0]!.actions).toEqual(['ses:SendEmail']);
    expect(statements[0]!.resources).toEqual([
      '${local.email_identity_arn}',
      '${aws_sesv2_configuration_set.this.arn}',
    ]);
    expect(statements[0]!.condition).toEqual([
      { test: 'StringEquals', variable: 'ses:FromAddress', values: ['${local.email_from}'] },
    ]);
  });

  it('sends bounce and complaint events of the configuration set to an SNS topic', () => {
    const destination = resource(tf, 'aws_sesv2_configuration_set_event_destination.feedback');
    const event = (destination.event_destination as Block[])[0]!;

    expect(destination.configuration_set_name).toBe('${aws_sesv2_configuration_set.this.configuration_set_name}');
    expect(event.matching_event_types).toEqual(['BOUNCE', 'COMPLAINT']);
    expect((event.sns_destination as Block[])[0]!.topic_arn).toBe('${aws_sns_topic.email_feedback.arn}');
  });
});
