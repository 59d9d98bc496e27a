# terraform init -backend-config=env/dev.backend.hcl (make plan/deploy/destroy STAGE=dev do it).
# The bucket exists before the first deploy: versioning on, public access blocked (see infra/README.md).
bucket  = "example-org-terraform-state"
key     = "auth-api/dev/terraform.tfstate"
region  = "eu-west-1"
encrypt = true
# S3 native locking: a lock object next to the state, so no DynamoDB table is needed.
use_lockfile = true
