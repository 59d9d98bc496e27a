terraform {
  # Partial configuration: bucket, key, region and locking come from env/<stage>.backend.hcl,
  # so one configuration serves every stage and no account detail is committed here.
  backend "s3" {}
}
