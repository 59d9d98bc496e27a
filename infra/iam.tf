# One role per function, allowed only what that function does: write its own log group and
# read its own parameters (and decrypt them, when a customer managed key encrypts them).

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  for_each = local.functions

  name               = "${local.name}-${each.key}"
  description        = "Runs the ${local.name}-${each.key} function"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "function" {
  for_each = local.functions

  statement {
    sid = "WriteOwnLogs"
    # No logs:CreateLogGroup: the group exists before the function does.
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function[each.key].arn}:*"]
  }

  # A function that reads no parameter (the authorizer, the key documents) gets no statement:
  # one without resources is not a valid policy.
  dynamic "statement" {
    for_each = length(each.value.secrets) == 0 ? [] : ["ReadOwnParameters"]
    content {
      sid = statement.value
      # GetParameters reads the same parameters in one call (Powertools' getParametersByName).
      actions   = ["ssm:GetParameter", "ssm:GetParameters"]
      resources = [for secret in each.value.secrets : local.parameters[secret].arn]
    }
  }

  # The AWS managed aws/ssm key already lets this account decrypt through SSM; a customer key
  # needs an explicit grant, limited to SSM and to this function's own parameters.
  dynamic "statement" {
    for_each = var.parameters_kms_key_arn == null || length(each.value.secrets) == 0 ? [] : [var.parameters_kms_key_arn]
    content {
      sid       = "DecryptOwnParameters"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["ssm.${var.region}.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:PARAMETER_ARN"
        values   = [for secret in each.value.secrets : local.parameters[secret].arn]
      }
    }
  }
}

resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  name   = "least-privilege"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.function[each.key].json
}
