'use strict';
/**
 * The authorizer's token path alone, in its HS256 form (before asymmetric keys) and its ES256 form
 * (now), so that one run measures what the algorithm changes and nothing else: build the key once
 * at load, then per invocation read the bearer token, verify it with jsonwebtoken (algorithm
 * pinned, issuer, audience, expiry; for ES256 the key chosen by kid) and answer an Allow policy.
 * No logging or metrics: those are the same either way and are in the real authorizer's figures.
 *
 * TOKEN_ALGORITHM selects the form: HS256 reads JWT_SECRET, ES256 reads JWT_PUBLIC_KEYS.
 * Event: a TOKEN authorizer event.
 */
const { Buffer } = require('node:buffer');
const { createPublicKey, createSecretKey } = require('node:crypto');
const jwt = require('jsonwebtoken');

const algorithm = process.env.TOKEN_ALGORITHM;
const keys = new Map();
if (algorithm === 'HS256') {
  keys.set(undefined, createSecretKey(Buffer.from(process.env.JWT_SECRET, 'utf8')));
} else if (algorithm === 'ES256') {
  for (const [kid, spki] of Object.entries(JSON.parse(process.env.JWT_PUBLIC_KEYS))) {
    keys.set(kid, createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' }));
  }
} else {
  throw new Error(`TOKEN_ALGORITHM must be HS256 or ES256, not ${algorithm}`);
}
const options = {
  algorithms: [algorithm],
  issuer: process.env.JWT_ISSUER,
  audience: process.env.JWT_AUDIENCE,
  clockTolerance: 5,
};

module.exports.handler = async (event) => {
  const token = event.authorizationToken.replace(/^bearer\s+/i, '');
  const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString());
  const key = keys.get(algorithm === 'HS256' ? undefined : header.kid);
  if (key === undefined) throw new Error('Unauthorized');
  const claims = jwt.verify(token, key, options);
  return {
    principalId: claims.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: event.methodArn }],
    },
  };
};
