# make plan|deploy STAGE=dev. Every variable is described in infra/variables.tf and infra/README.md.
region = "eu-west-1"
stage  = "dev"
# allowed_account_ids = ["111111111111"]

# Created once by hand (see infra/README.md): the connection string never enters Terraform state.
mongodb_uri_parameter_name = "/auth-api/dev/mongodb-uri"

# Token signing keys: every listed generation verifies and is in the JWKS, signing_key_current
# signs. A rotation edits these two lines in three separate applies (README.md, "Rotating the
# signing key"): append a generation; switch signing_key_current to it; remove the old one.
signing_key_generations = ["1"]
signing_key_current     = "1"

log_level          = "DEBUG"
log_retention_days = 14

# The account-wide API Gateway logging role: set true in exactly one stack per account and region.
manage_api_gateway_account_logging = true

# Email (README.md, "Email"): the SES identity to send from, and the application the links open.
# A new account is in the SES sandbox: dev sends only to verified recipients, which suits it.
email_identity = "dev.example.com"
app_url        = "https://dev.app.example.com"
