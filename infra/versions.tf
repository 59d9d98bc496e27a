terraform {
  # 1.11: write-only attributes, so the generated JWT secret never enters plan or state
  # (ephemeral resources and S3 native state locking arrived in 1.10).
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.100: aws_ssm_parameter.value_wo and the ephemeral aws_secretsmanager_random_password.
      version = ">= 5.100, < 7.0"
    }
  }
}
