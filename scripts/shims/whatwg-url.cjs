// The MongoDB driver parses connection strings with `whatwg-url`, a pure-JS URL implementation
// for runtimes without one. Node's own URL implements the same WHATWG standard, so the bundles use
// it and drop `whatwg-url` and its `tr46` Unicode tables (about 270 KB of every database bundle).
'use strict';
module.exports = { URL: globalThis.URL, URLSearchParams: globalThis.URLSearchParams };
