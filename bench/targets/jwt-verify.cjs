'use strict';
/**
 * The library's limit for the authorizer: jsonwebtoken's verify alone, with the public key built
 * once as a key object and the same checks the authorizer asks for (ES256 only, issuer, audience,
 * expiry). Event: `{ token }`, the bare JWT.
 */
const { Buffer } = require('node:buffer');
const { createPublicKey } = require('node:crypto');
const jwt = require('jsonwebtoken');

const [spki] = Object.values(JSON.parse(process.env.JWT_PUBLIC_KEYS));
const key = createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' });
const options = {
  algorithms: ['ES256'],
  issuer: process.env.JWT_ISSUER,
  audience: process.env.JWT_AUDIENCE,
  clockTolerance: 5,
};

module.exports.handler = async (event) => jwt.verify(event.token, key, options);
