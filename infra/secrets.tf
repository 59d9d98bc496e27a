# Secrets live in SSM Parameter Store as SecureString. Functions get parameter *names* in their
# environment and read the values once per cold start, so no secret sits in a Lambda
# configuration, a plan or the state file. (Token signing keys are not secrets Terraform could
# hold at all: they live in KMS, keys.tf.)

locals {
  # Every parameter a function may read: its environment variable carries the name, and its
  # role may read exactly the parameters its `secrets` list names.
  parameters = {
    mongodb_uri = {
      environment_variable = "MONGODB_URI_PARAMETER"
      name                 = var.mongodb_uri_parameter_name
      arn                  = "arn:${local.partition}:ssm:${var.region}:${local.account_id}:parameter${var.mongodb_uri_parameter_name}"
    }
  }
}
