terraform {
  # S3 native state locking arrived in 1.10; 1.11 is the version the tests run with.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Exactly the version the Terraform tests run with: a range would let `init` pick a newer
      # provider nobody tested. To upgrade, change it, run `make validate` and
      # regenerate .terraform.lock.hcl (infra/README.md).
      version = "5.100.0"
    }
  }
}
