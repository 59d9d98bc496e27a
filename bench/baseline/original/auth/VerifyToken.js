// Reproduction of the tutorial's authorizer: string secret, no algorithm, issuer or audience pinned,
// and a policy naming only the exact method ARN of the request.
const jwt = require('jsonwebtoken');

function generatePolicy(principalId, effect, resource) {
  const authResponse = { principalId };
  if (effect && resource) {
    authResponse.policyDocument = {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
    };
  }
  return authResponse;
}

module.exports.auth = (event, context, callback) => {
  const token = event.authorizationToken;
  if (!token) return callback(null, 'Unauthorized');

  jwt.verify(token, process.env.JWT_SECRET, (err, decoded) => {
    if (err) return callback(null, 'Unauthorized');
    return callback(null, generatePolicy(decoded.id, 'Allow', event.methodArn));
  });
};
