/**
 * Variables the Lambda runtime sets before any function code loads. Import this first in a test
 * file that loads a handler: Powertools decides at construction whether a cold start is reported.
 */
process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
process.env.AWS_REGION ??= 'eu-west-1';

export {};
