/**
 * The API reference page: Swagger UI over generated/openapi.json, with its assets from the
 * swagger-ui-dist package so the page works without internet. The local gateway serves it at
 * /docs; `make docs` writes the same files to dist/docs/ for publishing.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONSUMER_SPEC_PATH } from '../../scripts/paths';

const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

/** The Swagger UI files the page loads, by the name it loads them under. */
export const DOCS_ASSETS = {
  'swagger-ui.css': join(SWAGGER_UI_DIR, 'swagger-ui.css'),
  'swagger-ui-bundle.js': join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js'),
  'favicon-32x32.png': join(SWAGGER_UI_DIR, 'favicon-32x32.png'),
  'favicon-16x16.png': join(SWAGGER_UI_DIR, 'favicon-16x16.png'),
} as const;

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
};

export interface DocsPageOptions {
  /** Where the page finds its assets, ending in `/`: `/docs/` when served, `./` as static files. */
  assetBase: string;
  /** Where the page finds the spec. */
  specUrl: string;
  title: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function docsHtml(options: DocsPageOptions): string {
  const asset = (name: string) => escapeHtml(`${options.assetBase}${name}`);
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(options.title)}</title>
  <link rel="stylesheet" href="${asset('swagger-ui.css')}">
  <link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}" sizes="32x32">
  <link rel="icon" type="image/png" href="${asset('favicon-16x16.png')}" sizes="16x16">
  <style>body { margin: 0; } .swagger-ui .topbar { display: none; }</style>
</head>
<body>
  <div id="swagger-ui" data-spec-url="${escapeHtml(options.specUrl)}"></div>
  <script src="${asset('swagger-ui-bundle.js')}"></script>
  <script src="${asset('docs.js')}"></script>
</body>
</html>
`;
}

/**
 * Starts Swagger UI. Kept out of the HTML so the page works under a Content-Security-Policy without
 * 'unsafe-inline'; `validatorUrl: null` keeps the page from calling the online validator. With `spec`,
 * the spec is embedded, so the page also works opened from disk, where browsers refuse to fetch files.
 */
export function docsScript(spec?: unknown): string {
  const source = spec === undefined ? "url: root.getAttribute('data-spec-url')" : `spec: ${JSON.stringify(spec)}`;
  return `window.addEventListener('load', function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    ${source},
    dom_id: '#swagger-ui',
    validatorUrl: null,
    deepLinking: true,
    displayRequestDuration: true,
    persistAuthorization: false,
    tryItOutEnabled: false
  });
});
`;
}

/** The consumer spec; with `serverUrl`, its only server is that URL, so "Try it out" calls it. */
export function readConsumerSpec(serverUrl?: string, path = CONSUMER_SPEC_PATH): Record<string, unknown> {
  const spec = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  if (serverUrl) spec.servers = [{ url: serverUrl, description: 'Local gateway (make dev)' }];
  return spec;
}

/** Every file of the docs page, by file name: what the gateway serves under /docs/ and `make docs` writes. */
export function docsFiles(
  options: Omit<DocsPageOptions, 'assetBase'> & { assetBase?: string; embeddedSpec?: unknown },
): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set('index.html', Buffer.from(docsHtml({ assetBase: './', ...options })));
  files.set('docs.js', Buffer.from(docsScript(options.embeddedSpec)));
  for (const [name, path] of Object.entries(DOCS_ASSETS)) files.set(name, readFileSync(path));
  return files;
}
