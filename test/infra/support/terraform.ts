/**
 * Reads infra/ the way the offline tests need it: every .tf file parsed with @cdktf/hcl2json
 * (HCL to JSON; expressions stay strings such as "${local.functions}"), merged into one view.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { ROOT } from '../../../scripts/paths';

export const INFRA_DIR = join(ROOT, 'infra');

/** One block as hcl2json renders it: attributes, and nested blocks as arrays of blocks. */
export type Block = Record<string, unknown>;

export interface TerraformConfig {
  /** The .tf files read, relative to infra/. */
  files: string[];
  /** resources[type][name] */
  resources: Record<string, Record<string, Block>>;
  /** data[type][name] */
  data: Record<string, Record<string, Block>>;
  /** ephemeral[type][name] */
  ephemeral: Record<string, Record<string, Block>>;
  variables: Record<string, Block>;
  outputs: Record<string, Block>;
  locals: Record<string, unknown>;
  providers: Record<string, Block>;
  /** The `terraform {}` blocks, from every file. */
  terraform: Block[];
}

function single(blocks: unknown, where: string): Block {
  if (!Array.isArray(blocks) || blocks.length !== 1) throw new Error(`${where}: expected exactly one block`);
  return blocks[0] as Block;
}

function mergeNamed(target: Record<string, Record<string, Block>>, source: unknown, kind: string): void {
  for (const [type, byName] of Object.entries((source ?? {}) as Record<string, Record<string, unknown>>)) {
    target[type] ??= {};
    for (const [name, blocks] of Object.entries(byName)) {
      if (target[type][name]) throw new Error(`${kind} ${type}.${name} is declared twice`);
      target[type][name] = single(blocks, `${kind} ${type}.${name}`);
    }
  }
}

/** Parses every `*.tf` file directly in `dir` (not tests/ or env/). */
export async function loadTerraform(dir = INFRA_DIR): Promise<TerraformConfig> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort();
  const config: TerraformConfig = {
    files,
    resources: {},
    data: {},
    ephemeral: {},
    variables: {},
    outputs: {},
    locals: {},
    providers: {},
    terraform: [],
  };
  for (const file of files) {
    const json = (await parse(file, readFileSync(join(dir, file), 'utf8'))) as Record<string, unknown>;
    mergeNamed(config.resources, json.resource, 'resource');
    mergeNamed(config.data, json.data, 'data');
    mergeNamed(config.ephemeral, json.ephemeral, 'ephemeral');
    for (const [name, blocks] of Object.entries((json.variable ?? {}) as Record<string, unknown>)) {
      config.variables[name] = single(blocks, `variable ${name}`);
    }
    for (const [name, blocks] of Object.entries((json.output ?? {}) as Record<string, unknown>)) {
      config.outputs[name] = single(blocks, `output ${name}`);
    }
    for (const [name, blocks] of Object.entries((json.provider ?? {}) as Record<string, unknown>)) {
      config.providers[name] = single(blocks, `provider ${name}`);
    }
    for (const locals of (json.locals ?? []) as Block[]) {
      for (const [name, value] of Object.entries(locals)) {
        if (name in config.locals) throw new Error(`local.${name} is declared twice`);
        config.locals[name] = value;
      }
    }
    config.terraform.push(...((json.terraform ?? []) as Block[]));
  }
  return config;
}

/** A resource block; throws naming it when it does not exist, so a test failure says what is missing. */
export function resource(config: TerraformConfig, address: string): Block {
  const [type, name] = address.split('.') as [string, string];
  const block = config.resources[type]?.[name];
  if (!block) throw new Error(`infra/ declares no resource ${address}`);
  return block;
}

export function dataSource(config: TerraformConfig, address: string): Block {
  const [type, name] = address.split('.') as [string, string];
  const block = config.data[type]?.[name];
  if (!block) throw new Error(`infra/ declares no data source ${address}`);
  return block;
}

/** The single nested block `name` inside `block` (hcl2json renders nested blocks as arrays). */
export function nested(block: Block, name: string): Block {
  return single(block[name], name);
}

/** Every resource as [address, block]. */
export function allResources(config: TerraformConfig): Array<[string, Block]> {
  return Object.entries(config.resources).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, block]) => [`${type}.${name}`, block] as [string, Block]),
  );
}

/** The object references in an expression string (`local.x`, `var.y`, `aws_lambda_function.this`, ...). */
export function references(expression: unknown): string[] {
  const text = typeof expression === 'string' ? expression : JSON.stringify(expression);
  const found =
    text.match(/\b(?:local|var|each|data\.[a-z0-9_]+|ephemeral\.[a-z0-9_]+|aws_[a-z0-9_]+)\.[A-Za-z0-9_]+/g) ?? [];
  return [...new Set(found)];
}

/** Parses an HCL file that only assigns attributes (a .tfvars or a backend config). */
export async function parseAssignments(path: string): Promise<Record<string, unknown>> {
  return (await parse(path, readFileSync(path, 'utf8'))) as Record<string, unknown>;
}
