// jsonwebtoken asks `semver` only whether the running Node has the crypto features of Node 15.7
// and 16.9. The bundles target node22 (NODE_TARGET in scripts/build.ts), so the answer is always
// yes, and the real package would cost a quarter of the authorizer bundle and the regular
// expressions it compiles at cold start.
'use strict';
module.exports = { satisfies: () => true };
