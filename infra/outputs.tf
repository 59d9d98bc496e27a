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

output "email_identity_arn" {
  description = "ARN of the SES identity the functions send from; the only identity they may use."
  value       = local.email_identity_arn
}

output "email_from" {
  description = "The From address of every email (EMAIL_FROM)."
  value       = local.email_from
}

output "email_dkim_records" {
  description = "The DNS records that verify a domain identity created here (Easy DKIM): publish each CNAME in the domain's zone. Empty for an address identity or an existing one."
  # Empty, too, while SES has not handed out the tokens yet (they are known once the identity exists).
  value = try([
    for token in aws_sesv2_email_identity.this[0].dkim_signing_attributes[0].tokens : {
      name  = "${token}._domainkey.${var.email_identity}"
      type  = "CNAME"
      value = "${token}.dkim.amazonses.com"
    } if local.email_identity_is_domain
  ], [])
}

output "email_configuration_set" {
  description = "The SES configuration set every email goes through (EMAIL_CONFIGURATION_SET)."
  value       = aws_sesv2_configuration_set.this.configuration_set_name
}

output "email_feedback_topic_arn" {
  description = "SNS topic receiving SES bounce and complaint events for the configuration set; subscribe whoever must act on them."
  value       = aws_sns_topic.email_feedback.arn
}
