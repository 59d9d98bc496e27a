output "api_url" {
  description = "Base URL of the deployed stage, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/dev."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "api_id" {
  description = "Id of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "stage" {
  description = "Name of the API Gateway stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "function_names" {
  description = "Lambda function name per function key (operationId or authorizer)."
  value       = { for key, function in aws_lambda_function.this : key => function.function_name }
}

output "function_log_groups" {
  description = "CloudWatch log group per function key."
  value       = { for key, group in aws_cloudwatch_log_group.function : key => group.name }
}

output "access_log_group" {
  description = "CloudWatch log group of the API Gateway access log (one JSON line per request)."
  value       = aws_cloudwatch_log_group.access.name
}

output "token_issuer" {
  description = "The iss of every access token: the API's public base URL."
  value       = local.jwt_issuer
}

output "jwks_url" {
  description = "The public keys that verify access tokens (JWKS); {token_issuer}/.well-known/openid-configuration points at it too."
  value       = "${local.jwt_issuer}/.well-known/jwks.json"
}

output "signing_keys" {
  description = "KMS key ARN per published token signing key generation (kid): every one verifies, signing_key_current signs."
  value       = { for generation, key in aws_kms_key.signing : generation => key.arn }
}

output "signing_key_current" {
  description = "The generation (kid) that signs new tokens: what signing_key_current resolves to."
  value       = local.current_signing_key_generation
}

output "mongodb_uri_parameter_name" {
  description = "SSM parameter holding the MongoDB connection string."
  value       = var.mongodb_uri_parameter_name
}

output "metrics_namespace" {
  description = "CloudWatch namespace of the functions' metrics."
  value       = var.metrics_namespace
}

output "service_name" {
  description = "Powertools service name of every function in this stage (the service dimension of its metrics)."
  value       = local.name
}

output "dashboard_url" {
  description = "CloudWatch dashboard of this stage: API traffic, errors and latency, per-function health, cold starts, connection reuse and auth outcomes."
  value       = "https://${var.region}.console.aws.amazon.com/cloudwatch/home?region=${var.region}#dashboards/dashboard/${aws_cloudwatch_dashboard.this.dashboard_name}"
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm of this stage notifies; subscribe on-call tools to it."
  value       = aws_sns_topic.alarms.arn
}
