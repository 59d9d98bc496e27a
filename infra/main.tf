provider "aws" {
  region              = var.region
  allowed_account_ids = var.allowed_account_ids

  default_tags {
    tags = local.tags
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  name = "${var.name}-${var.stage}"
  tags = merge(var.tags, {
    Application = var.name
    Stage       = var.stage
    ManagedBy   = "terraform"
  })

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # openapi.yaml is the only list of operations: each operationId names its function, its
  # integration (in the generated template) and its Lambda permission. Adding an endpoint to the
  # contract adds all three here with no Terraform edit.
  contract      = yamldecode(file("${path.module}/../openapi.yaml"))
  http_methods  = ["get", "put", "post", "delete", "patch", "head"] # as scripts/contract/load.ts
  bearer_scheme = "bearerAuth"
  operations = merge([
    for path, item in local.contract.paths : {
      for method, operation in item : operation.operationId => {
        method  = upper(method)
        path    = path
        summary = try(operation.summary, operation.operationId)
        bearer = anytrue([
          for requirement in try(operation.security, local.contract.security, []) : contains(keys(requirement), local.bearer_scheme)
        ])
      } if contains(local.http_methods, method)
    }
  ]...)

  authorizer_function = "authorizer" # AUTHORIZER_FUNCTION in scripts/contract/api-gateway.ts
  function_keys       = concat(keys(local.operations), [local.authorizer_function])

  # What every function gets unless its profile or var.function_settings says otherwise.
  # `secrets` names the SSM parameters (local.parameters) a function may read, and nothing else:
  # its role's policy and its environment both follow from it. By default that is the database
  # only; the JWT secret goes to the functions that sign or verify tokens, nowhere else
  # (test/infra/secrets.test.ts checks each list against what the function's code imports).
  function_defaults = {
    memory_size          = 512
    timeout              = 10
    reserved_concurrency = -1
    secrets              = ["mongodb_uri"]
  }
  function_profiles = {
    # Sign tokens. bcrypt is CPU-bound and Lambda allots CPU in proportion to memory.
    register     = { memory_size = 1024, secrets = ["jwt_secret", "mongodb_uri"] }
    login        = { memory_size = 1024, secrets = ["jwt_secret", "mongodb_uri"] }
    refreshToken = { secrets = ["jwt_secret", "mongodb_uri"] }
    # Check a password with bcrypt before the change.
    changePassword = { memory_size = 1024 }
    deleteMe       = { memory_size = 1024 }
    # Verifies an HS256 signature: no database, so no MongoDB URI.
    authorizer = { memory_size = 256, timeout = 5, secrets = ["jwt_secret"] }
  }
  functions = {
    for key in local.function_keys : key => merge(
      local.function_defaults,
      try(local.function_profiles[key], {}),
      { for setting, value in try(var.function_settings[key], {}) : setting => value if value != null },
    )
  }
}
