terraform {
  # 1.11: write-only attributes, so the generated JWT secret never enters plan or state
  # (ephemeral resources and S3 native state locking arrived in 1.10).
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Exactly the version the Terraform tests run with: a range would let `init` pick a newer
      # provider nobody tested. 5.100 brought aws_ssm_parameter.value_wo and the ephemeral
      # aws_secretsmanager_random_password. To upgrade, change it, run `make validate` and
      # regenerate .terraform.lock.hcl (infra/README.md).
      version = "5.100.0"
    }
  }
}
