# terraform init -backend-config=env/prod.backend.hcl (make plan/deploy/destroy STAGE=prod do it).
# Production state is best kept in the production account's own bucket.
bucket  = "example-org-terraform-state-prod"
key     = "auth-api/prod/terraform.tfstate"
region  = "eu-west-1"
encrypt = true
# S3 native locking: a lock object next to the state, so no DynamoDB table is needed.
use_lockfile = true
