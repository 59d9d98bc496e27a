import type { OpenApiDocument } from './load';

/** Removes vendor extensions meant for our infrastructure, leaving the spec API consumers read. */
export function consumerSpec(doc: OpenApiDocument): unknown {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !key.startsWith('x-amazon-apigateway'))
        .map(([key, inner]) => [key, strip(inner)]),
    );
  };
  return strip(doc);
}
