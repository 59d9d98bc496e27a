locals {
  # The contract plus every API Gateway extension, generated from openapi.yaml by `make generate`.
  # Terraform fills in only what exists at deploy time; the local gateway renders the same file.
  api_template = "${path.module}/../generated/api-gateway.json.tftpl"
  api_template_variables = {
    invoke_arns                   = local.function_invoke_arns
    authorizer_result_ttl_seconds = var.authorizer_result_ttl_seconds
    cors_allow_origin             = var.cors_allow_origin
  }
  # Decoding fails the plan on a template that renders invalid JSON; encoding minifies it and
  # keeps the redeployment hash independent of whitespace.
  api_body = jsonencode(jsondecode(templatefile(local.api_template, local.api_template_variables)))

  # Each function's invoke ARN, as aws_lambda_function.invoke_arn spells it, built from its name:
  # the functions' configuration names this API (the token issuer is its URL), so the API cannot
  # refer to the functions in turn.
  function_invoke_arns = {
    for key in local.function_keys : key => "arn:${local.partition}:apigateway:${var.region}:lambda:path/2015-03-31/functions/arn:${local.partition}:lambda:${var.region}:${local.account_id}:function:${local.name}-${key}/invocations"
  }
}

resource "aws_api_gateway_rest_api" "this" {
  name        = local.name
  description = "${local.generated.api_title} (${var.stage})"
  body        = local.api_body

  # The contract's server URL ends in /{stage}; that is the stage, not a path prefix.
  parameters = {
    basepath = "ignore"
  }

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # A deployment is a snapshot: take a new one whenever the definition changes.
  triggers = {
    redeployment = sha1(aws_api_gateway_rest_api.this.body)
  }

  lifecycle {
    # The stage moves to the new snapshot before the old one is deleted.
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id   = aws_api_gateway_rest_api.this.id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = var.stage

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }

  # Access logging needs the account-wide CloudWatch role to be in place first.
  depends_on = [aws_api_gateway_account.this]
}

resource "aws_api_gateway_method_settings" "stage" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
    # Execution logs with data tracing would record request bodies, passwords included;
    # the access log says what operators need.
    logging_level      = "OFF"
    data_trace_enabled = false
  }
}

resource "aws_api_gateway_method_settings" "operation" {
  for_each = var.operation_throttling

  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "${trimprefix(local.operations[each.key].path, "/")}/${local.operations[each.key].method}"

  # A method override replaces the stage-wide settings for that method, so it repeats them.
  settings {
    metrics_enabled        = true
    throttling_rate_limit  = each.value.rate_limit
    throttling_burst_limit = each.value.burst_limit
    logging_level          = "OFF"
    data_trace_enabled     = false
  }

  # Both update the same stage; in parallel, API Gateway answers with a conflict.
  depends_on = [aws_api_gateway_method_settings.stage]
}
