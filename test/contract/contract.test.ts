/**
 * The contract as third-party tools read it: Dredd refuses a `$ref` into the middle of a schema
 * ("only references to a reusable component inside #/components/schemas are supported"), and
 * typed clients switch on `Problem.type`, so its enum must hold every type the API can answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROBLEM_KIND } from '../../functions/shared/errors';
import { problemType } from '../../functions/shared/problem';

const ROOT = join(__dirname, '..', '..');
const contract = parse(readFileSync(join(ROOT, 'openapi.yaml'), 'utf8')) as Record<string, unknown>;

function refs(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refs);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [value] : refs(value),
  );
}

describe('openapi.yaml', () => {
  it('refers only to whole reusable components, as Dredd and Swagger UI need', () => {
    const all = refs(contract);

    expect(all.length).toBeGreaterThan(50);
    expect(
      all.filter(
        (ref) =>
          !/^#\/components\/(schemas|responses|headers|parameters|examples|requestBodies|securitySchemes)\/[A-Za-z0-9._-]+$/.test(
            ref,
          ),
      ),
    ).toEqual([]);
  });

  describe('Problem.type', () => {
    const components = contract.components as { schemas: Record<string, { enum?: string[] }> };
    const declared = new Set(components.schemas.ProblemType?.enum);
    const fromFunctions = Object.values(PROBLEM_KIND).map(problemType);
    const fromGateway = [
      ...readFileSync(join(ROOT, 'generated', 'api-gateway.json.tftpl'), 'utf8').matchAll(
        /urn:auth-api:problem:[a-z-]+/g,
      ),
    ].map(([type]) => type);

    it('declares every type the functions answer', () => {
      expect(fromFunctions.filter((type) => !declared.has(type))).toEqual([]);
    });

    it('declares every type API Gateway answers itself', () => {
      expect(fromGateway.length).toBeGreaterThan(0);
      expect(fromGateway.filter((type) => !declared.has(type))).toEqual([]);
    });

    it('declares nothing the API never answers', () => {
      const produced = new Set([...fromFunctions, ...fromGateway]);

      expect([...declared].filter((type) => !produced.has(type))).toEqual([]);
    });
  });
});
