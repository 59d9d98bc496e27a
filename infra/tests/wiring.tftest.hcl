# Runs the whole configuration offline: the AWS provider is configured but never called, since
# every resource and account lookup is overridden with fixed or generated values. Policy
# documents are still rendered by the provider, and the API body by templatefile().
#
# `terraform test -var-file=env/<stage>.tfvars` runs the same checks with a stage's settings.

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

override_data {
  target = data.aws_caller_identity.current
  values = { account_id = "123456789012" }
}

override_data {
  target = data.aws_partition.current
  values = { partition = "aws", dns_suffix = "amazonaws.com" }
}

override_resource {
  target = aws_api_gateway_rest_api.this
  values = { id = "abc123", execution_arn = "arn:aws:execute-api:eu-west-1:123456789012:abc123" }
}

override_resource {
  target = aws_iam_role.function
  values = { arn = "arn:aws:iam::123456789012:role/function" }
}

override_resource {
  target = aws_cloudwatch_log_group.function
  values = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:function" }
}

override_resource {
  target = aws_cloudwatch_log_group.access
  values = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:access" }
}

# Lambda invoke ARNs are left to the override's generated values: distinct per function, so the
# assertions can tell which function each integration calls.
override_resource {
  target = aws_lambda_function.this
}

override_resource {
  target = aws_iam_role_policy.function
}

override_resource {
  target = aws_lambda_permission.api_gateway
}

override_resource {
  target = aws_api_gateway_deployment.this
}

override_resource {
  target = aws_api_gateway_stage.this
  values = { arn = "arn:aws:apigateway:eu-west-1::/restapis/abc123/stages/test" }
}

override_resource {
  target = aws_api_gateway_method_settings.stage
}

override_resource {
  target = aws_api_gateway_method_settings.operation
}

override_resource {
  target = aws_iam_role.api_gateway_logging
  values = { arn = "arn:aws:iam::123456789012:role/api-gateway-logging" }
}

override_resource {
  target = aws_iam_role_policy_attachment.api_gateway_logging
}

override_resource {
  target = aws_api_gateway_account.this
}

# Token signing keys (keys.tf). Every generation gets the same overridden ARN; the public key is a
# real P-256 key in the form KMS GetPublicKey returns, so the functions' JWT_PUBLIC_KEYS is valid.
override_resource {
  target = aws_kms_key.signing
  values = { arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-4cde-8f01-1234567890ab", key_id = "1234abcd-12ab-4cde-8f01-1234567890ab" }
}

override_resource {
  target = aws_kms_alias.signing
}

override_data {
  target = data.aws_kms_public_key.signing
  values = { public_key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE82FVULDua+8tDWAteILeiO+w25jWmA8W7JZ3L3BXIn6mCpdDd5xrYtlWj1QUQ08fTiLtkKz0RG97Rzy08TdeZQ==" }
}

override_resource {
  target = aws_iam_role_policy.sign_tokens
}

# Deferred jobs (jobs.tf): only the functions whose code defers jobs have these.
override_resource {
  target = aws_iam_role_policy.defer_jobs
}

override_resource {
  target = aws_lambda_function_event_invoke_config.deferred_jobs
}

override_resource {
  target = aws_cloudwatch_metric_alarm.job_failures
}

override_resource {
  target = aws_cloudwatch_dashboard.this
}

override_resource {
  target = aws_sns_topic.alarms
  values = { arn = "arn:aws:sns:eu-west-1:123456789012:alarms" }
}

override_resource {
  target = aws_sns_topic_subscription.email
}

override_resource {
  target = aws_cloudwatch_metric_alarm.api_5xx_rate
}

override_resource {
  target = aws_cloudwatch_metric_alarm.api_latency_p99
}

override_resource {
  target = aws_cloudwatch_metric_alarm.function_errors
}

override_resource {
  target = aws_cloudwatch_metric_alarm.function_throttles
}

override_resource {
  target = aws_cloudwatch_metric_alarm.failed_logins
}

override_resource {
  target = aws_cloudwatch_metric_alarm.refresh_token_reuse
}

override_resource {
  target = aws_cloudwatch_metric_alarm.throttled_attempts
}

override_resource {
  target = aws_wafv2_web_acl.this
  values = { arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/auth-api-test/abc" }
}

override_resource {
  target = aws_wafv2_web_acl_association.this
}

override_resource {
  target = aws_cloudwatch_query_definition.this
}

# Email (email.tf): a created domain identity with the three DKIM tokens SES hands out, and an
# existing one for the stacks that reference it.
override_resource {
  target = aws_sesv2_configuration_set.this
  values = { arn = "arn:aws:ses:eu-west-1:123456789012:configuration-set/auth-api-test-email" }
}

override_resource {
  target = aws_sesv2_email_identity.this
  values = {
    arn                     = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
    dkim_signing_attributes = { tokens = ["dkimtokenone", "dkimtokentwo", "dkimtokenthree"] }
  }
}

override_data {
  target = data.aws_sesv2_email_identity.existing
  values = { arn = "arn:aws:ses:eu-west-1:123456789012:identity/shared.example.com" }
}

override_resource {
  target = aws_sns_topic.email_feedback
  values = { arn = "arn:aws:sns:eu-west-1:123456789012:email-feedback" }
}

override_resource {
  target = aws_sesv2_configuration_set_event_destination.feedback
}

override_resource {
  target = aws_iam_role_policy.send_email
}

override_resource {
  target = aws_cloudwatch_metric_alarm.email_send_failed
}

variables {
  region                     = "eu-west-1"
  stage                      = "test"
  mongodb_uri_parameter_name = "/auth-api/test/mongodb-uri"
  email_identity             = "example.com"
  app_url                    = "https://app.example.com"
}

run "every_operation_has_a_function_an_integration_and_a_permission" {
  command = apply

  assert {
    condition     = sort(keys(aws_lambda_function.this)) == sort(concat(keys(local.operations), ["authorizer"]))
    error_message = "Expected one function per operation in openapi.yaml plus the authorizer."
  }

  assert {
    condition = alltrue(flatten([
      for path, item in jsondecode(aws_api_gateway_rest_api.this.body).paths : [
        for method, operation in item : operation["x-amazon-apigateway-integration"].uri == "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:${aws_lambda_function.this[operation.operationId].function_name}/invocations"
        if method != "options"
      ]
    ]))
    error_message = "Every integration must invoke the function named by its operationId."
  }

  assert {
    condition     = jsondecode(aws_api_gateway_rest_api.this.body).components.securitySchemes.bearerAuth["x-amazon-apigateway-authorizer"].authorizerUri == "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:auth-api-test-authorizer/invocations"
    error_message = "The bearerAuth scheme must be the authorizer function."
  }

  assert {
    condition     = jsondecode(aws_api_gateway_rest_api.this.body).components.securitySchemes.bearerAuth["x-amazon-apigateway-authorizer"].authorizerResultTtlInSeconds == 300
    error_message = "The authorizer cache TTL must come from var.authorizer_result_ttl_seconds."
  }

  assert {
    condition     = sort(keys(aws_lambda_permission.api_gateway)) == sort(keys(aws_lambda_function.this))
    error_message = "Every function needs exactly one API Gateway permission."
  }

  assert {
    condition = alltrue([
      for key, operation in local.operations :
      aws_lambda_permission.api_gateway[key].source_arn == "arn:aws:execute-api:eu-west-1:123456789012:abc123/*/${operation.method}${operation.path}"
      if !strcontains(operation.path, "{")
    ])
    error_message = "Each operation's permission must name only its own method and path on this API."
  }

  assert {
    condition     = aws_lambda_permission.api_gateway["revokeSession"].source_arn == "arn:aws:execute-api:eu-west-1:123456789012:abc123/*/DELETE/me/sessions/*"
    error_message = "A path parameter must appear as the wildcard execute-api ARNs use."
  }

  assert {
    condition     = aws_lambda_permission.api_gateway["authorizer"].source_arn == "arn:aws:execute-api:eu-west-1:123456789012:abc123/authorizers/*"
    error_message = "The authorizer's permission must be scoped to this API's authorizers."
  }

  assert {
    condition     = aws_api_gateway_deployment.this.triggers.redeployment == sha1(aws_api_gateway_rest_api.this.body)
    error_message = "The deployment must change whenever the API body does."
  }
}

run "functions_get_parameter_names_and_least_privilege" {
  command = apply

  assert {
    condition = (
      !contains(keys(aws_lambda_function.this["authorizer"].environment[0].variables), "MONGODB_URI_PARAMETER") &&
      length(jsondecode(data.aws_iam_policy_document.function["authorizer"].json).Statement) == 1
    )
    error_message = "The authorizer gets nothing about MongoDB and may only write its logs."
  }

  assert {
    condition = alltrue([
      for key, operation in local.operations :
      aws_lambda_function.this[key].environment[0].variables.MONGODB_URI_PARAMETER == "/auth-api/test/mongodb-uri"
      if !startswith(operation.path, "/.well-known/")
    ])
    error_message = "Every operation's function that uses the database gets the MongoDB URI's parameter name."
  }

  assert {
    condition = alltrue([
      for key, code in local.generated.functions : (
        !contains(keys(aws_lambda_function.this[key].environment[0].variables), "JWT_SECRET_PARAMETER") &&
        contains(keys(aws_lambda_function.this[key].environment[0].variables), "MONGODB_URI_PARAMETER") == code.uses_database &&
        length([for statement in jsondecode(data.aws_iam_policy_document.function[key].json).Statement : statement if statement.Sid == "ReadOwnParameters"]) == (code.uses_database ? 1 : 0) &&
        contains(keys(aws_lambda_function.this[key].environment[0].variables), "JWT_PUBLIC_KEYS") == code.reads_token_keys &&
        contains(keys(aws_lambda_function.this[key].environment[0].variables), "JWT_SIGNING_KMS_KEY") == code.signs_tokens &&
        contains(keys(aws_iam_role_policy.sign_tokens), key) == code.signs_tokens
      )
    ])
    error_message = "A function gets the MongoDB URI exactly when it uses the database, the public keys exactly when it reads them, the signing key and kms:Sign exactly when it issues tokens, and no JWT secret: in its environment and its policies."
  }

  assert {
    condition = alltrue([
      for key, code in local.generated.functions :
      aws_lambda_function.this[key].memory_size == (code.hashes_passwords ? 1024 : code.uses_database ? 512 : 256)
    ]) && aws_lambda_function.this["changePassword"].memory_size == 1024 && aws_lambda_function.this["me"].memory_size == 512 && aws_lambda_function.this["authorizer"].memory_size == 256 && aws_lambda_function.this["getJwks"].memory_size == 256
    error_message = "Functions that hash passwords get 1024 MB for bcrypt, those without a database (the authorizer, the key documents) 256 MB, the others 512 MB."
  }

  assert {
    condition = alltrue([
      for key in ["me", "listUsers"] :
      length(setintersection(keys(aws_lambda_function.this[key].environment[0].variables), ["JWT_PUBLIC_KEYS", "JWT_SIGNING_KEY_ID", "JWT_SIGNING_KMS_KEY"])) == 0 &&
      jsondecode(data.aws_iam_policy_document.function[key].json).Statement[1].Resource == "arn:aws:ssm:eu-west-1:123456789012:parameter/auth-api/test/mongodb-uri"
    ])
    error_message = "Functions that neither sign nor verify tokens get no key: neither public keys nor a KMS key."
  }

  assert {
    condition = alltrue([
      for key, function in aws_lambda_function.this :
      function.runtime == "nodejs22.x" && function.architectures == tolist(["arm64"]) && function.handler == "index.handler" &&
      function.logging_config[0].log_group == "/aws/lambda/auth-api-test-${key}" && function.logging_config[0].log_format == "JSON"
    ])
    error_message = "Every function runs nodejs22.x on arm64 and logs JSON to its own log group."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.function["login"].json).Statement[1].Resource == "arn:aws:ssm:eu-west-1:123456789012:parameter/auth-api/test/mongodb-uri"
    error_message = "A function that signs tokens may read the MongoDB URI, nothing else, from SSM."
  }

  assert {
    condition     = length(jsondecode(data.aws_iam_policy_document.function["me"].json).Statement) == 2
    error_message = "Without a customer managed key no kms grant is needed."
  }

  assert {
    condition     = aws_api_gateway_method_settings.operation["login"].method_path == "login/POST" && aws_api_gateway_method_settings.operation["register"].method_path == "register/POST"
    error_message = "Tighter throttling must target POST /login and POST /register."
  }
}

# Key rotation, one run per apply of the runbook (README.md): publish a generation, switch the
# signing one to it, remove the old one. Each generation's key gets its own ARN here, so a test
# can tell which one the issuers sign with and which one kms:Sign is granted on.
run "one_generation_signs_without_being_named" {
  command = plan

  # Set here, so the stage files' own values (make validate runs with each) do not decide the case.
  variables {
    signing_key_generations = ["1"]
    signing_key_current     = null
  }

  assert {
    condition     = output.signing_key_current == "1" && alltrue([for key in ["register", "login", "refreshToken"] : aws_lambda_function.this[key].environment[0].variables.JWT_SIGNING_KEY_ID == "1"])
    error_message = "With one generation, signing_key_current may be left null: that generation signs."
  }
}

run "a_new_generation_is_published_to_every_verifier_before_anything_signs_with_it" {
  command = apply

  variables {
    signing_key_generations = ["2026-01", "2026-07"]
    signing_key_current     = "2026-01"
  }

  override_resource {
    target = aws_kms_key.signing["2026-01"]
    values = { arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000202601", key_id = "00000000-0000-4000-8000-000000202601" }
  }

  override_resource {
    target = aws_kms_key.signing["2026-07"]
    values = { arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000202607", key_id = "00000000-0000-4000-8000-000000202607" }
  }

  assert {
    condition = (
      aws_kms_key.signing["2026-07"].customer_master_key_spec == "ECC_NIST_P256" && aws_kms_key.signing["2026-07"].key_usage == "SIGN_VERIFY" &&
      sort(keys(aws_kms_key.signing)) == tolist(["2026-01", "2026-07"]) &&
      aws_kms_key.signing["2026-01"].arn != aws_kms_key.signing["2026-07"].arn
    )
    error_message = "Each generation is its own ECC_NIST_P256 SIGN_VERIFY KMS key."
  }

  assert {
    condition = alltrue([
      for key in ["authorizer", "getJwks", "getOpenIdConfiguration", "register", "login", "refreshToken"] :
      sort(keys(jsondecode(aws_lambda_function.this[key].environment[0].variables.JWT_PUBLIC_KEYS))) == tolist(["2026-01", "2026-07"]) &&
      jsondecode(aws_lambda_function.this[key].environment[0].variables.JWT_PUBLIC_KEYS)["2026-07"] == data.aws_kms_public_key.signing["2026-07"].public_key
    ])
    error_message = "A published generation's public key reaches every function that verifies tokens or publishes the JWKS, issuers included."
  }

  assert {
    condition = alltrue([
      for key in ["register", "login", "refreshToken"] :
      aws_lambda_function.this[key].environment[0].variables.JWT_SIGNING_KEY_ID == "2026-01" &&
      aws_lambda_function.this[key].environment[0].variables.JWT_SIGNING_KMS_KEY == aws_kms_key.signing["2026-01"].arn
    ])
    error_message = "While a new generation is only published, the issuers go on signing with signing_key_current, by its KMS key."
  }

  assert {
    condition = (
      jsondecode(data.aws_iam_policy_document.sign_tokens.json).Statement[0].Resource == aws_kms_key.signing["2026-01"].arn &&
      !strcontains(data.aws_iam_policy_document.sign_tokens.json, aws_kms_key.signing["2026-07"].arn) &&
      alltrue([for key, policy in aws_iam_role_policy.sign_tokens : policy.name == "sign-tokens-2026-01"])
    )
    error_message = "kms:Sign is granted on the signing generation only, not on the one just published, in a policy named after it."
  }

  assert {
    condition     = output.signing_key_current == "2026-01" && output.signing_keys == { "2026-01" = aws_kms_key.signing["2026-01"].arn, "2026-07" = aws_kms_key.signing["2026-07"].arn }
    error_message = "The outputs name the signing generation and every published key."
  }

  assert {
    condition     = sort(keys(aws_iam_role_policy.sign_tokens)) == tolist(["login", "refreshToken", "register"])
    error_message = "Only register, login and refreshToken may sign."
  }

  assert {
    condition = (
      jsondecode(data.aws_iam_policy_document.sign_tokens.json).Statement[0].Action == "kms:Sign" &&
      length(jsondecode(data.aws_iam_policy_document.sign_tokens.json).Statement) == 1
    )
    error_message = "Signing is kms:Sign, one statement."
  }

  assert {
    condition = alltrue([
      for key in ["authorizer", "getJwks", "getOpenIdConfiguration"] :
      [for name in keys(aws_lambda_function.this[key].environment[0].variables) : name if startswith(name, "JWT_") && !contains(["JWT_ISSUER", "JWT_AUDIENCE"], name)] == ["JWT_PUBLIC_KEYS"] &&
      !strcontains(data.aws_iam_policy_document.function[key].json, "kms:")
    ])
    error_message = "The verifiers get the public keys only: no signing key id, no KMS key, no KMS permission."
  }

  assert {
    condition     = aws_lambda_function.this["getOpenIdConfiguration"].environment[0].variables.JWT_ISSUER == "https://abc123.execute-api.eu-west-1.amazonaws.com/test" && output.jwks_url == "https://abc123.execute-api.eu-west-1.amazonaws.com/test/.well-known/jwks.json"
    error_message = "The issuer is the stage's invoke URL, and the JWKS is under it."
  }
}

run "switching_the_signing_generation_changes_only_the_issuers" {
  command = apply

  variables {
    signing_key_generations = ["2026-01", "2026-07"]
    signing_key_current     = "2026-07"
  }

  override_resource {
    target = aws_kms_key.signing["2026-01"]
    values = { arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000202601", key_id = "00000000-0000-4000-8000-000000202601" }
  }

  override_resource {
    target = aws_kms_key.signing["2026-07"]
    values = { arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000202607", key_id = "00000000-0000-4000-8000-000000202607" }
  }

  assert {
    condition = alltrue([
      for key in ["register", "login", "refreshToken"] :
      aws_lambda_function.this[key].environment[0].variables.JWT_SIGNING_KEY_ID == "2026-07" &&
      aws_lambda_function.this[key].environment[0].variables.JWT_SIGNING_KMS_KEY == aws_kms_key.signing["2026-07"].arn
    ])
    error_message = "After the switch the issuers sign with the new generation, by its KMS key."
  }

  assert {
    condition = (
      jsondecode(data.aws_iam_policy_document.sign_tokens.json).Statement[0].Resource == aws_kms_key.signing["2026-07"].arn &&
      !strcontains(data.aws_iam_policy_document.sign_tokens.json, aws_kms_key.signing["2026-01"].arn) &&
      alltrue([for key, policy in aws_iam_role_policy.sign_tokens : policy.name == "sign-tokens-2026-07"])
    )
    error_message = "kms:Sign moves to the new generation only, in a policy of a new name (so the old grant is replaced after the issuers switch, not edited before)."
  }

  # The previous run pinned the same values: what the verifiers hold does not depend on which generation signs.
  assert {
    condition = alltrue([
      for key in ["authorizer", "getJwks", "getOpenIdConfiguration", "register", "login", "refreshToken"] :
      aws_lambda_function.this[key].environment[0].variables.JWT_PUBLIC_KEYS == jsonencode({ for generation in ["2026-01", "2026-07"] : generation => data.aws_kms_public_key.signing[generation].public_key })
    ])
    error_message = "Switching the signing generation leaves every function's public keys as they were: both generations still verify."
  }

  assert {
    condition = alltrue([
      for key in ["authorizer", "getJwks", "getOpenIdConfiguration"] :
      [for name in keys(aws_lambda_function.this[key].environment[0].variables) : name if startswith(name, "JWT_") && !contains(["JWT_ISSUER", "JWT_AUDIENCE"], name)] == ["JWT_PUBLIC_KEYS"]
    ])
    error_message = "The verifiers get no signing configuration, so switching the signing generation does not touch them."
  }

  assert {
    condition     = output.signing_key_current == "2026-07"
    error_message = "signing_key_current names the new generation."
  }
}

run "removing_the_old_generation_unpublishes_it" {
  command = apply

  variables {
    signing_key_generations = ["2026-07"]
    signing_key_current     = "2026-07"
  }

  assert {
    condition = alltrue([
      for key in ["authorizer", "getJwks", "getOpenIdConfiguration", "register", "login", "refreshToken"] :
      sort(keys(jsondecode(aws_lambda_function.this[key].environment[0].variables.JWT_PUBLIC_KEYS))) == tolist(["2026-07"])
    ]) && sort(keys(aws_kms_key.signing)) == tolist(["2026-07"])
    error_message = "A removed generation's public key leaves every function, and its KMS key goes."
  }

  assert {
    condition     = alltrue([for key in ["register", "login", "refreshToken"] : aws_lambda_function.this[key].environment[0].variables.JWT_SIGNING_KEY_ID == "2026-07"])
    error_message = "The issuers keep signing with the remaining generation."
  }
}

run "refuses_to_remove_the_generation_that_signs" {
  command = plan

  variables {
    signing_key_generations = ["2026-07"]
    signing_key_current     = "2026-01"
  }

  expect_failures = [var.signing_key_current]
}

run "refuses_two_generations_without_naming_the_one_that_signs" {
  command = plan

  variables {
    signing_key_generations = ["2026-01", "2026-07"]
    signing_key_current     = null
  }

  expect_failures = [var.signing_key_current]
}

run "a_custom_domain_is_the_issuer" {
  command = apply

  variables {
    public_base_url = "https://auth.example.com"
  }

  assert {
    condition     = aws_lambda_function.this["login"].environment[0].variables.JWT_ISSUER == "https://auth.example.com" && output.token_issuer == "https://auth.example.com"
    error_message = "public_base_url is the issuer."
  }
}

run "a_customer_managed_key_is_granted_only_through_ssm" {
  command = apply

  variables {
    parameters_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-4cde-8f01-1234567890ab"
  }

  assert {
    condition = alltrue([
      for key, code in local.generated.functions : anytrue([
        for statement in jsondecode(data.aws_iam_policy_document.function[key].json).Statement :
        try(statement.Action, "") == "kms:Decrypt" && try(statement.Resource, "") == var.parameters_kms_key_arn &&
        try(statement.Condition.StringEquals["kms:ViaService"], "") == "ssm.eu-west-1.amazonaws.com"
      ]) == code.uses_database
    ])
    error_message = "With a customer managed key every function that reads a parameter may decrypt through SSM only, and one that reads none may not decrypt."
  }
}

run "the_account_logging_role_is_set_before_the_stage_logs" {
  command = apply

  variables {
    manage_api_gateway_account_logging = true
  }

  assert {
    condition     = aws_api_gateway_account.this[0].cloudwatch_role_arn == aws_iam_role.api_gateway_logging[0].arn
    error_message = "The account's API Gateway settings must point at the logging role."
  }

  assert {
    condition     = endswith(aws_iam_role_policy_attachment.api_gateway_logging[0].policy_arn, ":policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")
    error_message = "The logging role uses AWS's policy for API Gateway logging."
  }
}

run "the_dashboard_and_alarms_read_what_the_functions_emit" {
  command = apply

  variables {
    alarm_email_addresses = ["oncall@example.com"]
  }

  assert {
    condition = alltrue(flatten([
      for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for metric in widget.properties.metrics : (
          contains(keys(local.generated.metrics.catalogue), metric[1]) &&
          sort([for index in range(2, length(metric) - 1, 2) : metric[index]]) == sort(concat([local.generated.metrics.service_dimension], local.generated.metrics.catalogue[metric[1]].dimensions)) &&
          { for index in range(2, length(metric) - 1, 2) : metric[index] => metric[index + 1] }[local.generated.metrics.service_dimension] == aws_lambda_function.this["login"].environment[0].variables.POWERTOOLS_SERVICE_NAME
        ) if metric[0] == var.metrics_namespace
      ]
    ]))
    error_message = "Every dashboard metric in the functions' namespace must be one the code publishes (generated/terraform.json), with its exact dimensions and the functions' service name."
  }

  assert {
    condition = sort(keys(local.generated.metrics.catalogue)) == sort(distinct(flatten([
      for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for metric in widget.properties.metrics : (
          can(metric[0].expression)
          ? [for match in regexall("MetricName=\"([A-Za-z]+)\"", metric[0].expression) : match[0]]
          : metric[0] == var.metrics_namespace ? [metric[1]] : []
        )
      ]
    ])))
    error_message = "Every metric the code publishes must be on the dashboard, as a series or in a SEARCH."
  }

  assert {
    condition = alltrue([
      for name in ["AuthorizerRejected", "RefreshRefused", "SessionRevoked", "PasswordRejected", "EmailSendFailed"] : anytrue([
        for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
        sort([for metric in widget.properties.metrics : metric[length(metric) - 1].label if try(metric[1], "") == name]) == sort([for series in local.generated.metrics.catalogue[name].series : series.reason])
      ])
    ])
    error_message = "The by-reason widgets must show one line per reason the code can publish, labelled with it."
  }

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 21
    error_message = "Expected 2 API widgets, 5 per-function widgets and 14 application widgets."
  }

  assert {
    condition = alltrue([
      for name in ["Invocations", "Errors", "Duration", "Throttles", "ConcurrentExecutions"] : anytrue([
        for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
        sort([for metric in widget.properties.metrics : try(metric[3], "") if try(metric[1], "") == name && metric[0] == "AWS/Lambda"]) == sort(values(output.function_names))
      ])
    ])
    error_message = "Each per-function widget must show every function."
  }

  assert {
    condition = alltrue([
      for name in ["DbConnectionReused", "DbConnectionNew"] : anytrue([
        for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
        sort([for metric in widget.properties.metrics : { for index in range(2, length(metric) - 1, 2) : metric[index] => metric[index + 1] }.function_name if try(metric[1], "") == name && metric[0] == var.metrics_namespace]) == sort([
          for function in aws_lambda_function.this : function.function_name if contains(keys(function.environment[0].variables), "MONGODB_URI_PARAMETER")
        ])
      ])
    ])
    error_message = "The database connection widget must read both connection metrics for each function that connects, by its deployed name."
  }

  assert {
    condition = length(flatten([
      for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for metric in widget.properties.metrics : metric if can(regex("^100 \\* reused", metric[0].expression))
      ]
    ])) == length([for function in aws_lambda_function.this : function if contains(keys(function.environment[0].variables), "MONGODB_URI_PARAMETER")])
    error_message = "The database connection widget must show one reused ratio per function that connects."
  }

  assert {
    condition     = sort(keys(aws_cloudwatch_metric_alarm.function_errors)) == sort(keys(aws_lambda_function.this)) && sort(keys(aws_cloudwatch_metric_alarm.function_throttles)) == sort(keys(aws_lambda_function.this))
    error_message = "Every function needs an errors alarm and a throttles alarm."
  }

  assert {
    condition = alltrue(flatten([
      for alarm in concat(values(aws_cloudwatch_metric_alarm.function_errors), [aws_cloudwatch_metric_alarm.api_5xx_rate]) : [
        length([for query in alarm.metric_query : query if length(query.metric) > 0]) <= 10
      ]
    ]))
    error_message = "A metric math alarm may read at most 10 metrics."
  }

  assert {
    condition = alltrue([
      for alarm in concat(values(aws_cloudwatch_metric_alarm.function_errors), values(aws_cloudwatch_metric_alarm.function_throttles), [
        aws_cloudwatch_metric_alarm.api_5xx_rate, aws_cloudwatch_metric_alarm.api_latency_p99, aws_cloudwatch_metric_alarm.failed_logins,
        aws_cloudwatch_metric_alarm.refresh_token_reuse, aws_cloudwatch_metric_alarm.throttled_attempts,
        aws_cloudwatch_metric_alarm.email_send_failed,
      ]) : alarm.alarm_actions == toset([aws_sns_topic.alarms.arn])
    ])
    error_message = "Every alarm must notify the alarm topic."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.failed_logins.namespace == var.metrics_namespace && aws_cloudwatch_metric_alarm.failed_logins.dimensions == tomap({ service = "auth-api-test" })
    error_message = "The failed-logins alarm must read LoginFailed where the functions publish it."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.refresh_token_reuse.metric_name == "RefreshTokenReuse" &&
      aws_cloudwatch_metric_alarm.refresh_token_reuse.namespace == var.metrics_namespace &&
      aws_cloudwatch_metric_alarm.refresh_token_reuse.dimensions == tomap({ service = "auth-api-test" }) &&
      aws_cloudwatch_metric_alarm.refresh_token_reuse.threshold == 1 &&
      aws_cloudwatch_metric_alarm.refresh_token_reuse.comparison_operator == "GreaterThanOrEqualToThreshold" &&
      aws_cloudwatch_metric_alarm.refresh_token_reuse.period == 300
    )
    error_message = "Any refresh token reuse in 5 minutes must raise the alarm, read where the functions publish RefreshTokenReuse."
  }

  assert {
    condition = alltrue([
      for key, alarm in aws_cloudwatch_metric_alarm.function_errors : alltrue([
        for query in alarm.metric_query : (
          query.metric[0].dimensions == tomap({ service = "auth-api-test", operation = key, outcome = query.metric[0].dimensions.outcome }) &&
          contains(["config_error", "integration_error", "dependency_unavailable", "error"], query.metric[0].dimensions.outcome)
        ) if try(query.metric[0].metric_name, "") == "HandlerError"
      ]) && length([for query in alarm.metric_query : query if try(query.metric[0].metric_name, "") == "HandlerError"]) == (key == "authorizer" ? 0 : 4)
    ])
    error_message = "Each HTTP function's errors alarm must add its own HandlerError for each 5xx outcome."
  }

  assert {
    condition = (
      length([for query in aws_cloudwatch_metric_alarm.function_errors["authorizer"].metric_query : query if try(query.metric[0].metric_name, "") == "AuthorizerRejected"]) == 9 &&
      startswith([for query in aws_cloudwatch_metric_alarm.function_errors["authorizer"].metric_query : query.expression if query.return_data == true][0], "MAX([0, errors - SUM([")
    )
    error_message = "The authorizer's errors alarm must take each token rejection reason out of its Errors."
  }

  assert {
    condition     = aws_sns_topic_subscription.email["oncall@example.com"].protocol == "email"
    error_message = "Each alarm email address gets an email subscription."
  }

  assert {
    condition     = sort(keys(aws_cloudwatch_query_definition.this)) == sort(["cold-starts-by-function", "errors-by-request-id", "failed-logins-by-ip", "refresh-token-reuse", "slowest-requests"])
    error_message = "Expected the five saved Logs Insights queries."
  }

  assert {
    condition     = aws_cloudwatch_query_definition.this["refresh-token-reuse"].log_group_names == tolist(["/aws/lambda/auth-api-test-refreshToken"])
    error_message = "The refresh token reuse query must read the refresh function's log group."
  }

  assert {
    condition     = output.dashboard_url == "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/auth-api-test"
    error_message = "dashboard_url must open this stage's dashboard."
  }
}

run "email_leaves_from_the_identity_through_the_configuration_set_and_only_the_senders_may_send" {
  command = apply

  assert {
    condition = (
      aws_sesv2_email_identity.this[0].email_identity == "example.com" &&
      aws_sesv2_email_identity.this[0].configuration_set_name == aws_sesv2_configuration_set.this.configuration_set_name &&
      aws_sesv2_configuration_set.this.configuration_set_name == "auth-api-test-email" &&
      aws_sesv2_configuration_set.this.suppression_options[0].suppressed_reasons == tolist(["BOUNCE", "COMPLAINT"])
    )
    error_message = "Terraform creates the domain identity, which sends through this stage's configuration set; addresses that bounced or complained are suppressed."
  }

  assert {
    condition = (
      aws_sesv2_configuration_set_event_destination.feedback.configuration_set_name == aws_sesv2_configuration_set.this.configuration_set_name &&
      aws_sesv2_configuration_set_event_destination.feedback.event_destination[0].enabled &&
      aws_sesv2_configuration_set_event_destination.feedback.event_destination[0].matching_event_types == toset(["BOUNCE", "COMPLAINT"]) &&
      aws_sesv2_configuration_set_event_destination.feedback.event_destination[0].sns_destination[0].topic_arn == aws_sns_topic.email_feedback.arn &&
      output.email_feedback_topic_arn == aws_sns_topic.email_feedback.arn
    )
    error_message = "Bounces and complaints of the configuration set go to the email feedback topic."
  }

  assert {
    condition = (
      length(jsondecode(data.aws_iam_policy_document.send_email.json).Statement) == 1 &&
      jsondecode(data.aws_iam_policy_document.send_email.json).Statement[0].Effect == "Allow" &&
      jsondecode(data.aws_iam_policy_document.send_email.json).Statement[0].Action == "ses:SendEmail" &&
      toset(jsondecode(data.aws_iam_policy_document.send_email.json).Statement[0].Resource) == toset([
        "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
        "arn:aws:ses:eu-west-1:123456789012:configuration-set/auth-api-test-email",
      ]) &&
      jsondecode(data.aws_iam_policy_document.send_email.json).Statement[0].Condition.StringEquals["ses:FromAddress"] == "no-reply@example.com"
    )
    error_message = "Sending is ses:SendEmail on the identity and the configuration set only, from the configured address only."
  }

  assert {
    condition = (
      sort(keys(aws_iam_role_policy.send_email)) == sort([for key, code in local.generated.functions : key if code.sends_email]) &&
      alltrue([
        for key, code in local.generated.functions : (
          contains(keys(aws_lambda_function.this[key].environment[0].variables), "EMAIL_FROM") == code.sends_email &&
          contains(keys(aws_lambda_function.this[key].environment[0].variables), "EMAIL_TRANSPORT") == code.sends_email &&
          !strcontains(data.aws_iam_policy_document.function[key].json, "ses:")
        )
      ])
    )
    error_message = "Exactly the functions whose code sends email get ses:SendEmail and the sender's settings; no other policy mentions SES."
  }

  assert {
    condition = local.email_environment.send == {
      EMAIL_TRANSPORT         = "ses"
      EMAIL_FROM              = "no-reply@example.com"
      EMAIL_CONFIGURATION_SET = "auth-api-test-email"
      APP_URL                 = "https://app.example.com"
    }
    error_message = "A function that sends gets the SES transport, the From address, the configuration set and the application URL."
  }

  assert {
    condition = output.email_dkim_records == [
      { name = "dkimtokenone._domainkey.example.com", type = "CNAME", value = "dkimtokenone.dkim.amazonses.com" },
      { name = "dkimtokentwo._domainkey.example.com", type = "CNAME", value = "dkimtokentwo.dkim.amazonses.com" },
      { name = "dkimtokenthree._domainkey.example.com", type = "CNAME", value = "dkimtokenthree.dkim.amazonses.com" },
    ]
    error_message = "A domain identity's DKIM tokens become the CNAME records to publish."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.email_send_failed.alarm_actions == toset([aws_sns_topic.alarms.arn]) &&
      aws_cloudwatch_metric_alarm.email_send_failed.threshold == 1 &&
      sort([for query in aws_cloudwatch_metric_alarm.email_send_failed.metric_query : query.metric[0].dimensions.reason if length(query.metric) > 0]) == sort([for series in local.generated.metrics.catalogue.EmailSendFailed.series : series.reason]) &&
      alltrue([for query in aws_cloudwatch_metric_alarm.email_send_failed.metric_query : query.metric[0].metric_name == "EmailSendFailed" && query.metric[0].namespace == var.metrics_namespace && query.metric[0].dimensions.service == "auth-api-test" if length(query.metric) > 0])
    )
    error_message = "The email alarm adds up EmailSendFailed for every reason the code counts, where the functions publish it, and notifies the alarm topic."
  }
}

run "an_existing_identity_is_referenced_not_created" {
  command = apply

  variables {
    email_identity        = "shared.example.com"
    email_identity_exists = true
    email_from            = "accounts@mail.shared.example.com"
  }

  assert {
    condition = (
      length(aws_sesv2_email_identity.this) == 0 &&
      contains(jsondecode(data.aws_iam_policy_document.send_email.json).Statement[0].Resource, "arn:aws:ses:eu-west-1:123456789012:identity/shared.example.com") &&
      output.email_identity_arn == "arn:aws:ses:eu-west-1:123456789012:identity/shared.example.com" &&
      output.email_from == "accounts@mail.shared.example.com" &&
      output.email_dkim_records == []
    )
    error_message = "An existing identity is read, not created, and is the one sending is granted on."
  }
}

run "an_address_identity_sends_from_itself" {
  command = apply

  variables {
    email_identity = "alerts@example.com"
  }

  assert {
    condition = (
      aws_sesv2_email_identity.this[0].email_identity == "alerts@example.com" &&
      local.email_environment.send.EMAIL_FROM == "alerts@example.com" &&
      jsondecode(data.aws_iam_policy_document.send_email.json).Statement[0].Condition.StringEquals["ses:FromAddress"] == "alerts@example.com" &&
      output.email_dkim_records == []
    )
    error_message = "An address identity is its own From address, and has no DKIM records to publish."
  }
}

run "rejects_a_sender_outside_the_identity" {
  command = plan

  variables {
    email_identity = "example.com"
    email_from     = "no-reply@example.org"
  }

  expect_failures = [var.email_from]
}

run "only_the_functions_that_defer_jobs_may_invoke_themselves" {
  command = apply

  # The generated facts decide; test/infra/deferred-jobs.test.ts runs this file on a copy where a
  # function defers jobs, with the assertions of test/infra/fixtures/deferring-function.tftest.hcl.
  assert {
    condition = (
      sort(keys(aws_iam_role_policy.defer_jobs)) == sort([for key, code in local.generated.functions : key if code.defers_jobs]) &&
      sort(keys(aws_lambda_function_event_invoke_config.deferred_jobs)) == sort(keys(aws_iam_role_policy.defer_jobs)) &&
      sort(keys(aws_cloudwatch_metric_alarm.job_failures)) == sort(keys(aws_iam_role_policy.defer_jobs))
    )
    error_message = "Exactly the functions whose code defers jobs get the grant, the async invocation limits and the alarm."
  }

  assert {
    condition = alltrue([
      for key, document in data.aws_iam_policy_document.function : !strcontains(document.json, "lambda:")
    ])
    error_message = "No function's own policy grants Lambda actions: invoking itself is the defer-jobs policy's, and only its."
  }

  assert {
    condition = alltrue([
      for key, document in data.aws_iam_policy_document.defer_jobs :
      jsondecode(document.json).Statement[0].Action == "lambda:InvokeFunction" &&
      jsondecode(document.json).Statement[0].Resource == "arn:aws:lambda:eu-west-1:123456789012:function:auth-api-test-${key}" &&
      length(jsondecode(document.json).Statement) == 1
    ])
    error_message = "A function that defers jobs may invoke itself, unqualified, and nothing else."
  }
}

run "rejects_values_that_would_deploy_something_broken" {
  command = plan

  variables {
    stage                         = "Prod"
    cors_allow_origin             = "'https://app.example.com'"
    authorizer_result_ttl_seconds = 3601
    log_retention_days            = 10
    bcrypt_cost                   = 9
    function_settings             = { me = { timeout = 30 } }
    operation_throttling          = { noSuchOperation = { rate_limit = 1, burst_limit = 1 } }
    alarm_email_addresses         = ["not-an-address"]
    alarm_api_5xx_rate_percent    = 0
    alarm_latency_p99_ms          = 30000
    alarm_failed_logins_threshold = 0.5
    public_base_url               = "https://auth.example.com/"
    signing_key_generations       = ["1", "1"]
    waf_rate_limit                = 5
    email_identity                = "Example.com"
    app_url                       = "http://app.example.com"
    deferred_job_retry_attempts   = 3
    deferred_job_max_age_seconds  = 30
    alarm_job_failures_threshold  = 0

    alarm_refresh_token_reuse_threshold = 0
    alarm_throttled_attempts_threshold  = 0
    alarm_email_send_failed_threshold   = 0
  }

  expect_failures = [
    var.stage,
    var.cors_allow_origin,
    var.authorizer_result_ttl_seconds,
    var.log_retention_days,
    var.bcrypt_cost,
    var.function_settings,
    var.operation_throttling,
    var.alarm_email_addresses,
    var.alarm_api_5xx_rate_percent,
    var.alarm_latency_p99_ms,
    var.alarm_failed_logins_threshold,
    var.public_base_url,
    var.signing_key_generations,
    var.alarm_refresh_token_reuse_threshold,
    var.waf_rate_limit,
    var.alarm_throttled_attempts_threshold,
    var.email_identity,
    var.app_url,
    var.alarm_email_send_failed_threshold,
    var.deferred_job_retry_attempts,
    var.deferred_job_max_age_seconds,
    var.alarm_job_failures_threshold,
  ]
}

run "waf_is_off_unless_enabled" {
  command = plan

  # Set here: a stage's settings (env/prod.tfvars) may turn it on.
  variables {
    waf_enabled = false
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 0 && length(aws_wafv2_web_acl_association.this) == 0
    error_message = "Without waf_enabled there is no web ACL."
  }
}

run "waf_guards_the_stage_when_enabled" {
  command = apply

  variables {
    waf_enabled = true
  }

  assert {
    condition     = aws_wafv2_web_acl_association.this[0].resource_arn == aws_api_gateway_stage.this.arn && aws_wafv2_web_acl_association.this[0].web_acl_arn == aws_wafv2_web_acl.this[0].arn
    error_message = "The web ACL must be associated with the stage."
  }

  assert {
    condition     = aws_wafv2_web_acl.this[0].scope == "REGIONAL" && length(aws_wafv2_web_acl.this[0].rule) == 2
    error_message = "The web ACL must be regional, with the rate rule and the IP reputation rule."
  }

  assert {
    condition     = local.waf_public_post_paths == tolist(["/email/verify", "/login", "/logout", "/password/forgot", "/password/reset", "/register", "/token/refresh"])
    error_message = "The rate rule must cover exactly the public POST routes of the contract."
  }
}

run "throttle_and_link_settings_reach_the_functions_only_when_set" {
  command = plan

  variables {
    abuse_protection = { login_max_failures = 8, address_email_window_seconds = 600, pwned_passwords_check = true }
    email_links      = { password_reset_ttl_seconds = 900, require_verified_email = true }
  }

  assert {
    condition = alltrue([
      for key, function in aws_lambda_function.this : (
        function.environment[0].variables["LOGIN_MAX_FAILURES"] == "8" &&
        function.environment[0].variables["ADDRESS_EMAIL_WINDOW_SECONDS"] == "600" &&
        function.environment[0].variables["PWNED_PASSWORDS_CHECK"] == "on" &&
        function.environment[0].variables["PASSWORD_RESET_TTL"] == "900" &&
        function.environment[0].variables["REQUIRE_VERIFIED_EMAIL"] == "on" &&
        !contains(keys(function.environment[0].variables), "LOGIN_BACKOFF_SECONDS") &&
        !contains(keys(function.environment[0].variables), "EMAIL_VERIFICATION_TTL")
      )
    ])
    error_message = "Each setting given reaches the functions in the form they read (numbers, on/off); each left null is not passed, so the functions' default holds."
  }
}

run "the_functions_keep_their_own_defaults_when_nothing_is_set" {
  command = plan

  assert {
    condition = alltrue([
      for key, function in aws_lambda_function.this : length([
        for name in keys(function.environment[0].variables) : name
        if startswith(name, "LOGIN_") || startswith(name, "ADDRESS_") || startswith(name, "ACCOUNT_") || startswith(name, "PWNED_") || contains(["PASSWORD_RESET_TTL", "EMAIL_VERIFICATION_TTL", "REQUIRE_VERIFIED_EMAIL"], name)
      ]) == 0
    ])
    error_message = "Without settings, no throttle, password-check or link variable is passed: the defaults live in functions/shared/config.ts."
  }
}

run "rejects_throttle_and_link_settings_the_functions_would_refuse" {
  command = plan

  variables {
    abuse_protection = { login_max_failures = 0, address_login_window_seconds = 30, login_backoff_seconds = 60, login_max_backoff_seconds = 30 }
    email_links      = { password_reset_ttl_seconds = 60 }
  }

  expect_failures = [var.abuse_protection, var.email_links]
}
