/**
 * The API reference next to the API: `GET /docs` (Swagger UI, its assets from swagger-ui-dist so
 * it works offline) and `GET /openapi.json`, the consumer spec with the gateway as its only server,
 * so "Try it out" calls it. The pipeline asks here only for paths the API itself does not have.
 */
import { extname } from 'node:path';
import { CONTENT_TYPES, docsFiles, readConsumerSpec } from '../docs/page';
import type { LocalRoutes, Reply } from './exchange';

/** The docs routes of one gateway; the page's files are read on the first visit and kept. */
export function docsRoutes(): LocalRoutes {
  let files: Map<string, Buffer> | undefined;
  return (method, path, baseUrl): Reply | undefined => {
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    if (path === '/openapi.json') {
      return {
        statusCode: 200,
        headers: { 'Content-Type': CONTENT_TYPES['.json']!, 'Cache-Control': 'no-store' },
        body: JSON.stringify(readConsumerSpec(baseUrl), null, 2),
      };
    }
    const name = path === '/docs' || path === '/docs/' ? 'index.html' : /^\/docs\/([A-Za-z0-9_.-]+)$/.exec(path)?.[1];
    if (!name) return undefined;
    files ??= docsFiles({
      specUrl: '/openapi.json',
      title: `${String((readConsumerSpec().info as { title?: string } | undefined)?.title ?? 'API')} reference`,
      assetBase: '/docs/',
    });
    const file = files.get(name);
    if (!file) return undefined;
    return {
      statusCode: 200,
      headers: { 'Content-Type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream' },
      body: file,
    };
  };
}
