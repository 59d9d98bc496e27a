/**
 * The Resource an Allow policy names. API Gateway caches an authorizer's result per token and
 * applies it to every route, so the policy must cover the whole stage: naming the one method ARN
 * of the first request would deny every other route until the cache entry expires.
 */
import { IntegrationError } from '../shared/errors';

/** `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>` */
const METHOD_ARN = /^arn:(aws[a-z-]*):execute-api:([a-z0-9-]+):(\d{12}):([A-Za-z0-9]+)\/([A-Za-z0-9_-]+)\/[A-Z*]+\/.*$/;

/**
 * Every method of the stage the request was made on. An ARN of another shape means the function
 * is wired to something that is not a REST API TOKEN authorizer: a deployment error, answered
 * with a failure (API Gateway's 500), not with a 401 blaming the client's token.
 */
export function stageResource(methodArn: string): string {
  const match = METHOD_ARN.exec(methodArn);
  if (match === null) throw new IntegrationError('methodArn is not an API Gateway method ARN');
  const [, partition, region, account, apiId, stage] = match;
  return `arn:${partition}:execute-api:${region}:${account}:${apiId}/${stage}/*`;
}
