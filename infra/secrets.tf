# Secrets live in SSM Parameter Store as SecureString. Functions get parameter *names* in their
# environment and read the values once per cold start, so no secret sits in a Lambda
# configuration, a plan or the state file.

locals {
  generate_jwt_secret = var.jwt_secret_parameter_name == null

  jwt_secret_parameter_name = local.generate_jwt_secret ? aws_ssm_parameter.jwt_secret[0].name : var.jwt_secret_parameter_name

  # Every parameter a function may read: its environment variable carries the name, and its
  # role may read exactly the parameters its `secrets` list names.
  parameters = {
    jwt_secret = {
      environment_variable = "JWT_SECRET_PARAMETER"
      name                 = local.jwt_secret_parameter_name
      arn                  = "arn:${local.partition}:ssm:${var.region}:${local.account_id}:parameter${local.jwt_secret_parameter_name}"
    }
    mongodb_uri = {
      environment_variable = "MONGODB_URI_PARAMETER"
      name                 = var.mongodb_uri_parameter_name
      arn                  = "arn:${local.partition}:ssm:${var.region}:${local.account_id}:parameter${var.mongodb_uri_parameter_name}"
    }
  }
}

# An ephemeral value exists only while Terraform runs: written once through a write-only
# attribute, the signing key appears in no plan and no state, unlike random_password's result.
ephemeral "aws_secretsmanager_random_password" "jwt_secret" {
  count = local.generate_jwt_secret ? 1 : 0

  # 64 alphanumerics carry about 380 bits, far above the 32 bytes HS256 needs.
  password_length     = 64
  exclude_punctuation = true
}

resource "aws_ssm_parameter" "jwt_secret" {
  count = local.generate_jwt_secret ? 1 : 0

  name        = "/${var.name}/${var.stage}/jwt-secret"
  description = "HS256 signing secret of ${local.name} access tokens"
  type        = "SecureString"
  key_id      = var.parameters_kms_key_arn

  value_wo = ephemeral.aws_secretsmanager_random_password.jwt_secret[0].random_password
  # Terraform cannot compare a write-only value, so the secret is rewritten only when this changes.
  value_wo_version = var.jwt_secret_version
}
