import type { Route } from './api';

/** A resource path segment: literal text, `{name}`, or the greedy `{name+}` that takes the rest. */
type Segment = { kind: 'literal'; text: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

interface Resource {
  path: string;
  segments: Segment[];
  methods: Map<string, Route>;
}

export interface RouteMatch {
  route: Route;
  pathParameters: Record<string, string>;
}

export type RouteLookup = { found: true; match: RouteMatch } | { found: false; resourceExists: boolean };

function parseSegments(path: string): Segment[] {
  return path
    .split('/')
    .filter((s) => s.length > 0)
    .map((text) => {
      const param = /^\{([A-Za-z0-9_.-]+)(\+)?\}$/.exec(text);
      if (!param) return { kind: 'literal', text };
      return param[2] ? { kind: 'greedy', name: param[1]! } : { kind: 'param', name: param[1]! };
    });
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Matches request paths to resources the way API Gateway does: a literal segment beats `{param}`,
 * which beats `{proxy+}`; a known resource without the method is as unknown as a missing one.
 */
export class Router {
  private readonly resources: Resource[] = [];

  constructor(routes: readonly Route[]) {
    const byPath = new Map<string, Resource>();
    for (const route of routes) {
      let resource = byPath.get(route.resourcePath);
      if (!resource) {
        resource = { path: route.resourcePath, segments: parseSegments(route.resourcePath), methods: new Map() };
        byPath.set(route.resourcePath, resource);
        this.resources.push(resource);
      }
      resource.methods.set(route.method, route);
    }
  }

  lookup(method: string, rawPath: string): RouteLookup {
    const parts = rawPath.split('/').filter((s) => s.length > 0);
    let best: { resource: Resource; params: Record<string, string>; score: number[] } | undefined;
    for (const resource of this.resources) {
      const matched = matchSegments(resource.segments, parts);
      if (!matched) continue;
      if (!best || compareScores(matched.score, best.score) > 0) best = { resource, ...matched };
    }
    if (!best) return { found: false, resourceExists: false };
    const route = best.resource.methods.get(method.toUpperCase()) ?? best.resource.methods.get('ANY');
    if (!route) return { found: false, resourceExists: true };
    return { found: true, match: { route, pathParameters: best.params } };
  }
}

function matchSegments(
  segments: Segment[],
  parts: string[],
): { params: Record<string, string>; score: number[] } | undefined {
  const params: Record<string, string> = {};
  const score: number[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0) return undefined;
      params[segment.name] = rest.map(decode).join('/');
      score.push(0);
      return { params, score };
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (segment.text !== part && segment.text !== decode(part)) return undefined;
      score.push(2);
    } else {
      params[segment.name] = decode(part);
      score.push(1);
    }
  }
  return parts.length === segments.length ? { params, score } : undefined;
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? -1) - (b[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}
