'use strict';
/**
 * The library's limit for the authorizer: jsonwebtoken's verify alone, with the HMAC key built once as
 * a key object and the same checks the authorizer asks for (HS256 only, issuer, audience, expiry).
 * Event: `{ token }`, the bare JWT.
 */
const { Buffer } = require('node:buffer');
const { createSecretKey } = require('node:crypto');
const jwt = require('jsonwebtoken');

const key = createSecretKey(Buffer.from(process.env.JWT_SECRET, 'utf8'));
const options = {
  algorithms: ['HS256'],
  issuer: process.env.JWT_ISSUER,
  audience: process.env.JWT_AUDIENCE,
  clockTolerance: 5,
};

module.exports.handler = async (event) => jwt.verify(event.token, key, options);
