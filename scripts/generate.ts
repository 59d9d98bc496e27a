/**
 * Derives everything in generated/ from openapi.yaml (and, for terraform.json, from functions/):
 *   api-types.ts               TypeScript types (openapi-typescript)
 *   validators/<op>-body.js    ajv standalone validators, so no schema compiles at cold start
 *   validators/<op>-query.js
 *   validators/<op>-path.js
 *   validators/schema-<name>.js  the same for the schemas the user model stores
 *   validators/pattern-messages.json  what each named schema's pattern asks for, in words
 *   openapi.json               the spec API consumers read (no API Gateway extensions)
 *   api-gateway.json.tftpl     the API Gateway definition Terraform and the local gateway render
 *   terraform.json             what infra/ reads about the code: operations, what each function
 *                              does, the metric catalogue (scripts/contract/terraform-data.ts)
 *
 * and, from a dependency rather than the contract:
 *   common-passwords.ts        the common and breached passwords new passwords are refused against
 *
 * `--check` writes nothing and fails when a committed file differs from what would be generated.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildApiGatewayDefinition, toTemplate } from './contract/api-gateway';
import { listOperations, loadContract } from './contract/load';
import { consumerSpec } from './contract/consumer-spec';
import { cursorExampleMismatches } from './contract/examples';
import { buildTerraformData } from './contract/terraform-data';
import { buildCommonPasswords } from './common-passwords';
import { buildPatternMessages, buildSchemaValidators, buildValidators } from './contract/validators';
import { CONTRACT_PATH, GENERATED_DIR } from './paths';

/** Schemas whose values the user model stores and checks itself (functions/shared/user-model.ts). */
const STORED_SCHEMAS = ['UserName', 'Email'] as const;
const HEADER = '// Generated from openapi.yaml by scripts/generate.ts. Do not edit.\n';

async function render(): Promise<Map<string, string>> {
  const doc = loadContract();
  const operations = listOperations(doc);
  const mismatches = cursorExampleMismatches(doc, operations);
  if (mismatches.length > 0)
    throw new Error(`openapi.yaml shows examples the API would refuse:\n  ${mismatches.join('\n  ')}`);
  const files = new Map<string, string>();

  const ast = await openapiTS(new URL(`file://${CONTRACT_PATH}`), { alphabetize: true });
  files.set('api-types.ts', HEADER + astToString(ast));

  for (const v of [...buildValidators(doc, operations), ...buildSchemaValidators(doc, STORED_SCHEMAS)]) {
    files.set(`validators/${v.name}.js`, v.js);
    files.set(`validators/${v.name}.d.ts`, v.dts);
  }
  files.set('validators/pattern-messages.json', buildPatternMessages(doc));
  files.set('openapi.json', `${JSON.stringify(consumerSpec(doc), null, 2)}\n`);
  files.set('api-gateway.json.tftpl', toTemplate(buildApiGatewayDefinition(doc, operations)));
  files.set('common-passwords.ts', buildCommonPasswords().module);
  return files;
}

/**
 * What Terraform reads from the functions' code: bundles them, so it runs once the files above
 * are in place (a new operation's function imports its validator from generated/).
 */
async function renderTerraformData(): Promise<[string, string]> {
  const doc = loadContract();
  // JSON has no comments: the first key says where the file comes from (Terraform never reads it).
  const terraform = {
    '//': 'Generated from openapi.yaml and functions/ by scripts/generate.ts. Do not edit.',
    ...(await buildTerraformData(doc, listOperations(doc))),
  };
  return ['terraform.json', `${JSON.stringify(terraform, null, 2)}\n`];
}

function existingFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(GENERATED_DIR, join(e.parentPath, e.name)));
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const files = await render();
  mkdirSync(GENERATED_DIR, { recursive: true });
  const write = (name: string, text: string) => {
    mkdirSync(dirname(join(GENERATED_DIR, name)), { recursive: true });
    writeFileSync(join(GENERATED_DIR, name), text);
  };
  const existing = new Set(existingFiles(GENERATED_DIR));
  const isStale = (name: string, text: string) =>
    !existing.has(name) || readFileSync(join(GENERATED_DIR, name), 'utf8') !== text;
  const stale = [...files].filter(([name, text]) => isStale(name, text)).map(([name]) => name);
  // The contract's files first: the Terraform data bundles functions that import them.
  if (!check) for (const name of stale) write(name, files.get(name) ?? '');
  const [terraformName, terraformText] = await renderTerraformData();
  files.set(terraformName, terraformText);
  if (isStale(terraformName, terraformText)) stale.push(terraformName);
  const orphans = [...existing].filter((name) => !files.has(name));

  if (check) {
    if (stale.length + orphans.length > 0) {
      console.error(
        `generated/ is stale (${[...stale, ...orphans].join(', ')}): run \`make generate\` and commit the result.`,
      );
      process.exit(1);
    }
    console.log(`generated/ is up to date (${files.size} files)`);
    return;
  }
  for (const name of orphans) rmSync(join(GENERATED_DIR, name));
  write(terraformName, terraformText);
  console.log(`generated/: ${stale.length} written, ${orphans.length} removed, ${files.size - stale.length} unchanged`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
