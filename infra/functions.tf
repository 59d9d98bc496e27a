locals {
  # The API's public base URL, so that {iss}/.well-known/openid-configuration resolves. Built
  # from the API's id rather than read from the stage, which depends on the functions.
  jwt_issuer   = coalesce(var.public_base_url, "https://${aws_api_gateway_rest_api.this.id}.execute-api.${var.region}.${data.aws_partition.current.dns_suffix}/${var.stage}")
  jwt_audience = coalesce(var.jwt_audience, "${local.name}-api")

  # Configuration only: parameter names are added per function below, secret values never.
  common_environment = {
    JWT_ISSUER                   = local.jwt_issuer
    JWT_AUDIENCE                 = local.jwt_audience
    ACCESS_TOKEN_TTL             = tostring(var.access_token_ttl_seconds)
    REFRESH_TOKEN_TTL            = tostring(var.refresh_token_ttl_seconds)
    SESSION_IDLE_TTL             = tostring(var.session_idle_ttl_seconds)
    REFRESH_REUSE_INTERVAL       = tostring(var.refresh_reuse_interval_seconds)
    BCRYPT_COST                  = tostring(var.bcrypt_cost)
    LOG_LEVEL                    = var.log_level
    CORS_ALLOW_ORIGIN            = var.cors_allow_origin
    POWERTOOLS_SERVICE_NAME      = local.name
    POWERTOOLS_METRICS_NAMESPACE = var.metrics_namespace
  }

  # Settings the functions default themselves (functions/shared/config.ts): passed only when set,
  # so the defaults live in one place.
  abuse_protection_variables = {
    login_max_failures                  = "LOGIN_MAX_FAILURES"
    login_backoff_seconds               = "LOGIN_BACKOFF_SECONDS"
    login_max_backoff_seconds           = "LOGIN_MAX_BACKOFF_SECONDS"
    address_login_failures_limit        = "ADDRESS_LOGIN_FAILURES"
    address_login_window_seconds        = "ADDRESS_LOGIN_WINDOW_SECONDS"
    address_registrations_limit         = "ADDRESS_REGISTRATIONS"
    address_registration_window_seconds = "ADDRESS_REGISTRATION_WINDOW_SECONDS"
    address_refresh_failures_limit      = "ADDRESS_REFRESH_FAILURES"
    address_refresh_window_seconds      = "ADDRESS_REFRESH_WINDOW_SECONDS"
    address_email_requests_limit        = "ADDRESS_EMAIL_REQUESTS"
    address_email_window_seconds        = "ADDRESS_EMAIL_WINDOW_SECONDS"
    address_link_failures_limit         = "ADDRESS_LINK_FAILURES"
    address_link_window_seconds         = "ADDRESS_LINK_WINDOW_SECONDS"
    account_email_requests_limit        = "ACCOUNT_EMAIL_REQUESTS"
    account_email_window_seconds        = "ACCOUNT_EMAIL_WINDOW_SECONDS"
    pwned_passwords_check               = "PWNED_PASSWORDS_CHECK"
  }
  email_link_variables = {
    password_reset_ttl_seconds     = "PASSWORD_RESET_TTL"
    email_verification_ttl_seconds = "EMAIL_VERIFICATION_TTL"
    require_verified_email         = "REQUIRE_VERIFIED_EMAIL"
  }
  # Switches are written on/off, numbers as whole numbers.
  configured_environment = merge(
    {
      for name, value in var.abuse_protection : local.abuse_protection_variables[name] =>
      can(tobool(value)) ? (tobool(value) ? "on" : "off") : tostring(value) if value != null
    },
    {
      for name, value in var.email_links : local.email_link_variables[name] =>
      can(tobool(value)) ? (tobool(value) ? "on" : "off") : tostring(value) if value != null
    },
  )

  # Written by `make build` (scripts/build.ts): one deterministic zip per function.
  function_zips = { for key in local.function_keys : key => "${path.module}/../dist/${key}.zip" }
}

resource "aws_lambda_function" "this" {
  for_each = local.functions

  function_name = "${local.name}-${each.key}"
  description   = each.key == local.authorizer_function ? "Verifies bearer tokens for ${local.name}" : "${local.operations[each.key].method} ${local.operations[each.key].path}: ${local.operations[each.key].summary}"
  role          = aws_iam_role.function[each.key].arn

  runtime       = "nodejs22.x"
  architectures = ["arm64"]
  handler       = "index.handler"
  filename      = local.function_zips[each.key]
  # Missing zips fail the precondition below with a clearer message than the file function would.
  source_code_hash = fileexists(local.function_zips[each.key]) ? filebase64sha256(local.function_zips[each.key]) : null

  memory_size                    = each.value.memory_size
  timeout                        = each.value.timeout
  reserved_concurrent_executions = each.value.reserved_concurrency

  environment {
    variables = merge(local.common_environment, local.configured_environment, {
      for secret in each.value.secrets : local.parameters[secret].environment_variable => local.parameters[secret].name
    }, local.token_environment[each.value.tokens], local.email_environment[each.value.email])
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.function[each.key].name
    application_log_level = var.log_level
    system_log_level      = "WARN"
  }

  lifecycle {
    precondition {
      condition     = fileexists(local.function_zips[each.key])
      error_message = "dist/${each.key}.zip is missing: run `make build` first."
    }
    precondition {
      condition     = length("${local.name}-${each.key}") <= 64
      error_message = "Function and role name ${local.name}-${each.key} is longer than 64 characters: shorten var.name or var.stage."
    }
  }

  # The first cold start must already be allowed to log and read its parameters, the first sign-in to
  # sign, the first email to leave, and the first request that defers a job to invoke the function.
  depends_on = [
    aws_iam_role_policy.function,
    aws_iam_role_policy.sign_tokens,
    aws_iam_role_policy.send_email,
    aws_iam_role_policy.defer_jobs,
  ]
}

# Who may invoke each function: API Gateway, for this API only, on the one route (or, for the
# authorizer, the authorizers) that leads to it.
locals {
  invoke_permissions = merge(
    {
      for operation in local.operations : operation.function => {
        # Path parameters appear as a wildcard in execute-api ARNs.
        source_arn = "${aws_api_gateway_rest_api.this.execution_arn}/*/${operation.method}${replace(operation.path, "/\\{[^}]+\\}/", "*")}"
      }
    },
    {
      (local.authorizer_function) = {
        source_arn = "${aws_api_gateway_rest_api.this.execution_arn}/authorizers/*"
      }
    },
  )
}

resource "aws_lambda_permission" "api_gateway" {
  for_each = local.invoke_permissions

  statement_id  = "AllowApiGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[each.key].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = each.value.source_arn
}
