# make plan|deploy STAGE=prod. Every variable is described in infra/variables.tf and infra/README.md.
region = "eu-west-1"
stage  = "prod"
# Refuse to apply production settings in any other account.
# allowed_account_ids = ["222222222222"]

# Created once by hand (see infra/README.md): the connection string never enters Terraform state.
mongodb_uri_parameter_name = "/auth-api/prod/mongodb-uri"

# Token signing keys: every listed generation verifies and is in the JWKS, signing_key_current
# signs. A rotation edits these two lines in three separate applies (README.md, "Rotating the
# signing key"): append a generation; switch signing_key_current to it; remove the old one.
signing_key_generations = ["1"]
signing_key_current     = "1"

log_level          = "INFO"
log_retention_days = 90

# Browsers may call the API only from the application's own origin.
cors_allow_origin = "https://app.example.com"

throttling_rate_limit  = 500
throttling_burst_limit = 1000
# Replaces the default: every public POST route is listed, refresh and logout throttled like login.
operation_throttling = {
  register     = { rate_limit = 10, burst_limit = 20 }
  login        = { rate_limit = 50, burst_limit = 100 }
  refreshToken = { rate_limit = 50, burst_limit = 100 }
  logout       = { rate_limit = 50, burst_limit = 100 }
  # Each accepted forgot-password request may send an email: SES's sending rate is the limit here.
  forgotPassword = { rate_limit = 10, burst_limit = 20 }
  resetPassword  = { rate_limit = 10, burst_limit = 20 }
  verifyEmail    = { rate_limit = 20, burst_limit = 40 }
}

# Reserve capacity for sign-in and registration (so no other function can starve them) and cap
# their concurrent MongoDB connections. Needs the default account concurrency quota of 1000.
function_settings = {
  login    = { reserved_concurrency = 50 }
  register = { reserved_concurrency = 20 }
}

# Production runs in its own account, so its stack owns that account's API Gateway logging role.
manage_api_gateway_account_logging = true

# AWS WAF in front of the stage: a per-IP rate limit on the public POST routes and AWS's IP
# reputation list (a monthly fee plus a fee per million requests; see infra/README.md).
waf_enabled = true

# Email (README.md, "Email"): the SES identity to send from (publish output email_dkim_records in
# its DNS zone), and the application the links open. Request production access for this account
# and region before launch: in the SES sandbox only verified recipients receive anything.
email_identity = "example.com"
app_url        = "https://app.example.com"
