variable "region" {
  description = "AWS region to deploy into, e.g. eu-west-1."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "allowed_account_ids" {
  description = "AWS account ids this stage may be deployed to; Terraform refuses any other account. Null allows any."
  type        = list(string)
  default     = null

  validation {
    condition     = var.allowed_account_ids == null || alltrue([for id in coalesce(var.allowed_account_ids, []) : can(regex("^[0-9]{12}$", id))])
    error_message = "allowed_account_ids must be 12-digit AWS account ids."
  }
}

variable "name" {
  description = "Application name: the prefix of every resource name, together with the stage."
  type        = string
  default     = "auth-api"

  validation {
    # Function and role names are "<name>-<stage>-<function>" and must fit in 64 characters.
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.name))
    error_message = "name must be 2-20 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "stage" {
  description = "Deployment stage (dev, staging, prod, ...): the API Gateway stage name and part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$", var.stage))
    error_message = "stage must be 1-16 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags for every resource (Application, Stage and ManagedBy are always set)."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the function logs and the API access log."
  type        = number
  default     = 30

  validation {
    # The values CloudWatch Logs accepts; 0 (keep forever) is deliberately left out.
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_level" {
  description = "Application log level of every function (LOG_LEVEL and Lambda's application log level)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARN or ERROR."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the metrics the functions emit (POWERTOOLS_METRICS_NAMESPACE)."
  type        = string
  default     = "AuthApi"

  validation {
    condition     = can(regex("^[A-Za-z0-9._#:/-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1-255 characters of letters, digits and . _ # : / -, and must not start with AWS/."
  }
}

variable "cors_allow_origin" {
  description = "The single origin browsers may call the API from: * or an https origin such as https://app.example.com (no path, no trailing slash)."
  type        = string
  default     = "*"

  validation {
    # The template wraps the value in single quotes for API Gateway, so quotes would break the definition.
    condition     = var.cors_allow_origin == "*" || can(regex("^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$", var.cors_allow_origin))
    error_message = "cors_allow_origin must be * or an https origin such as https://app.example.com, without path, trailing slash or quotes."
  }
}

variable "authorizer_result_ttl_seconds" {
  description = "Seconds API Gateway caches the authorizer's answer per token; 0 runs the authorizer on every request."
  type        = number
  default     = 300

  validation {
    condition     = var.authorizer_result_ttl_seconds >= 0 && var.authorizer_result_ttl_seconds <= 3600 && floor(var.authorizer_result_ttl_seconds) == var.authorizer_result_ttl_seconds
    error_message = "authorizer_result_ttl_seconds must be a whole number from 0 to 3600 (API Gateway's limit)."
  }
}

variable "throttling_rate_limit" {
  description = "Stage-wide steady-state request rate (requests per second) before API Gateway answers 429."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_rate_limit > 0
    error_message = "throttling_rate_limit must be positive."
  }
}

variable "throttling_burst_limit" {
  description = "Stage-wide burst (requests) API Gateway admits above the rate limit."
  type        = number
  default     = 200

  validation {
    condition     = var.throttling_burst_limit >= 1 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a positive whole number."
  }
}

variable "operation_throttling" {
  description = "Tighter throttling per operationId (rate in requests per second, burst in requests). These limits are shared by all clients, so they cap credential stuffing and sign-up floods, not one caller."
  type = map(object({
    rate_limit  = number
    burst_limit = number
  }))
  default = {
    register     = { rate_limit = 5, burst_limit = 10 }
    login        = { rate_limit = 10, burst_limit = 20 }
    refreshToken = { rate_limit = 10, burst_limit = 20 }
    logout       = { rate_limit = 10, burst_limit = 20 }
    # Each accepted request may send an email through SES, whose account sending rate is shared.
    forgotPassword = { rate_limit = 5, burst_limit = 10 }
    resetPassword  = { rate_limit = 5, burst_limit = 10 }
    verifyEmail    = { rate_limit = 10, burst_limit = 20 }
  }

  validation {
    condition     = alltrue([for key in keys(var.operation_throttling) : contains(keys(local.operations), key)])
    error_message = "operation_throttling keys must be operationIds from openapi.yaml."
  }

  validation {
    condition = alltrue([
      for limits in values(var.operation_throttling) :
      limits.rate_limit > 0 && limits.rate_limit <= var.throttling_rate_limit &&
      limits.burst_limit >= 1 && limits.burst_limit <= var.throttling_burst_limit && floor(limits.burst_limit) == limits.burst_limit
    ])
    error_message = "operation_throttling limits must be positive and no higher than the stage-wide throttling_rate_limit and throttling_burst_limit."
  }
}

variable "function_settings" {
  description = "Per-function overrides keyed by function (an operationId or authorizer): memory_size in MB, timeout in seconds, reserved_concurrency (-1 for none; caps concurrent MongoDB connections)."
  type = map(object({
    memory_size          = optional(number)
    timeout              = optional(number)
    reserved_concurrency = optional(number)
  }))
  default = {}

  validation {
    condition     = alltrue([for key in keys(var.function_settings) : contains(local.function_keys, key)])
    error_message = "function_settings keys must be operationIds from openapi.yaml or authorizer."
  }

  validation {
    condition     = alltrue([for s in values(var.function_settings) : s.memory_size == null || (try(s.memory_size >= 128 && s.memory_size <= 10240 && floor(s.memory_size) == s.memory_size, false))])
    error_message = "function_settings memory_size must be a whole number of MB from 128 to 10240."
  }

  validation {
    # API Gateway gives up on an integration after 29 seconds; a longer Lambda timeout only bills for answers nobody receives.
    condition     = alltrue([for s in values(var.function_settings) : s.timeout == null || (try(s.timeout >= 1 && s.timeout <= 29 && floor(s.timeout) == s.timeout, false))])
    error_message = "function_settings timeout must be a whole number of seconds from 1 to 29 (API Gateway's integration limit)."
  }

  validation {
    condition     = alltrue([for s in values(var.function_settings) : s.reserved_concurrency == null || (try(s.reserved_concurrency >= -1 && floor(s.reserved_concurrency) == s.reserved_concurrency, false))])
    error_message = "function_settings reserved_concurrency must be -1 (unreserved) or a whole number >= 0."
  }
}

variable "public_base_url" {
  description = "The API's public base URL when a custom domain serves it, such as https://api.example.com (no trailing slash). It is the iss of every token, so {public_base_url}/.well-known/openid-configuration must reach this API. Null uses the stage's invoke URL."
  type        = string
  default     = null

  validation {
    condition     = var.public_base_url == null || can(regex("^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*$", var.public_base_url))
    error_message = "public_base_url must be an https URL such as https://api.example.com, without a trailing slash, query or fragment."
  }
}

variable "signing_key_generations" {
  description = "The published token signing key generations, oldest first: one KMS key (ECC_NIST_P256) each, named by the kid of the tokens it signs. Every listed one verifies (JWT_PUBLIC_KEYS, the JWKS); signing_key_current names the one that signs. A generation is appended (published) in one apply, signs from a later one, and is removed only once another signs and its last tokens have expired (README.md: the rotation runbook)."
  type        = list(string)
  default     = ["1"]

  validation {
    condition     = length(var.signing_key_generations) >= 1 && length(var.signing_key_generations) <= 5 && length(distinct(var.signing_key_generations)) == length(var.signing_key_generations)
    error_message = "signing_key_generations must list 1 to 5 distinct generations."
  }

  validation {
    # The name is the tokens' kid and part of a KMS alias.
    condition     = alltrue([for generation in var.signing_key_generations : can(regex("^[A-Za-z0-9_-]{1,32}$", generation))])
    error_message = "signing_key_generations names must be 1-32 letters, digits, - or _, such as 2026-01."
  }
}

# Which generation signs is a variable of its own, not "the last listed", so that publishing a key
# and signing with it are separate applies: Terraform updates the functions in parallel, and an
# issuer that started signing with a key in the same apply that publishes it could hand out tokens
# that an authorizer not yet updated refuses.
variable "signing_key_current" {
  description = "The generation of signing_key_generations that signs new tokens (their kid): the only key kms:Sign is granted on and the JWT_SIGNING_KEY_ID of the issuing functions. Null means the only listed generation; required once more than one is listed. Switch it only to a generation published by an earlier apply (README.md: the rotation runbook)."
  type        = string
  default     = null

  # Conditionals rather than ||: Terraform evaluates both sides of ||, and contains() refuses null.
  # Each error_message is evaluated even when its condition holds, so it must not fail on null either.
  validation {
    condition     = var.signing_key_current == null ? length(var.signing_key_generations) == 1 : true
    error_message = "signing_key_current must name the generation that signs when signing_key_generations lists more than one: while a new generation is only being published, keep the one that signs today; switch to the new one in a later apply (README.md: the rotation runbook)."
  }

  validation {
    condition     = var.signing_key_current == null ? true : contains(var.signing_key_generations, var.signing_key_current)
    error_message = "signing_key_current must be one of signing_key_generations, which (${join(", ", var.signing_key_generations)}) does not list \"${var.signing_key_current != null ? var.signing_key_current : ""}\": the generation that signs cannot be removed. Switch signing_key_current to another published generation, apply, wait the longest token lifetime plus the authorizer cache TTL, and only then remove it (README.md: the rotation runbook)."
  }
}

variable "jwt_audience" {
  description = "The aud claim of issued tokens, checked by the authorizer. Null uses \"<name>-<stage>-api\"."
  type        = string
  default     = null

  validation {
    condition     = var.jwt_audience == null || try(length(trimspace(var.jwt_audience)) > 0, false)
    error_message = "jwt_audience must not be empty; use null for the default."
  }
}

variable "access_token_ttl_seconds" {
  description = "Lifetime of an access token in seconds (ACCESS_TOKEN_TTL). Short: a refresh token renews it."
  type        = number
  default     = 900

  validation {
    condition     = var.access_token_ttl_seconds >= 60 && var.access_token_ttl_seconds <= 86400 && floor(var.access_token_ttl_seconds) == var.access_token_ttl_seconds
    error_message = "access_token_ttl_seconds must be a whole number from 60 to 86400."
  }
}

variable "refresh_token_ttl_seconds" {
  description = "A session's absolute lifetime in seconds (REFRESH_TOKEN_TTL): it ends then however often it is refreshed."
  type        = number
  default     = 2592000

  validation {
    condition     = var.refresh_token_ttl_seconds >= 3600 && var.refresh_token_ttl_seconds <= 31536000 && floor(var.refresh_token_ttl_seconds) == var.refresh_token_ttl_seconds
    error_message = "refresh_token_ttl_seconds must be a whole number from 3600 (an hour) to 31536000 (a year)."
  }
}

variable "session_idle_ttl_seconds" {
  description = "Seconds without a refresh after which a session ends (SESSION_IDLE_TTL); at most refresh_token_ttl_seconds."
  type        = number
  default     = 604800

  validation {
    condition     = var.session_idle_ttl_seconds >= 300 && var.session_idle_ttl_seconds <= var.refresh_token_ttl_seconds && floor(var.session_idle_ttl_seconds) == var.session_idle_ttl_seconds
    error_message = "session_idle_ttl_seconds must be a whole number from 300 up to refresh_token_ttl_seconds."
  }
}

variable "refresh_reuse_interval_seconds" {
  description = "Seconds after a refresh during which the previous refresh token may be exchanged once more, for clients that retry (REFRESH_REUSE_INTERVAL). 0 ends the session on any second use."
  type        = number
  default     = 0

  validation {
    condition     = var.refresh_reuse_interval_seconds >= 0 && var.refresh_reuse_interval_seconds <= 300 && floor(var.refresh_reuse_interval_seconds) == var.refresh_reuse_interval_seconds
    error_message = "refresh_reuse_interval_seconds must be a whole number from 0 to 300."
  }
}

variable "bcrypt_cost" {
  description = "bcrypt cost factor for password hashes (BCRYPT_COST). Each step doubles hashing time on register and login."
  type        = number
  default     = 10

  validation {
    condition     = var.bcrypt_cost >= 10 && var.bcrypt_cost <= 14 && floor(var.bcrypt_cost) == var.bcrypt_cost
    error_message = "bcrypt_cost must be a whole number from 10 to 14."
  }
}

variable "mongodb_uri_parameter_name" {
  description = "Name of the SSM SecureString parameter holding the MongoDB connection string. Created outside Terraform so the credentials never enter state (see README)."
  type        = string

  validation {
    condition     = can(regex("^(/[A-Za-z0-9_.-]+)+$", var.mongodb_uri_parameter_name))
    error_message = "mongodb_uri_parameter_name must be a hierarchical SSM parameter name such as /auth-api/prod/mongodb-uri."
  }
}

variable "parameters_kms_key_arn" {
  description = "ARN of the customer managed KMS key encrypting the MongoDB URI SecureString parameter. Null means the AWS managed aws/ssm key, which needs no kms grant."
  type        = string
  default     = null

  validation {
    condition     = var.parameters_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]+$", var.parameters_kms_key_arn))
    error_message = "parameters_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "manage_api_gateway_account_logging" {
  description = "Create the IAM role API Gateway needs to write access logs and set it in the account's API Gateway settings. That setting is one per account and region: enable it in exactly one stack there, or set the role up outside Terraform."
  type        = bool
  default     = false
}

variable "alarm_email_addresses" {
  description = "Email addresses subscribed to the alarm topic (each must confirm the subscription). Empty subscribes none."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "alarm_email_addresses must be email addresses such as oncall@example.com."
  }
}

variable "alarm_api_5xx_rate_percent" {
  description = "Alarm when more than this percentage of API requests answer 5xx over 5 minutes."
  type        = number
  default     = 1

  validation {
    condition     = var.alarm_api_5xx_rate_percent > 0 && var.alarm_api_5xx_rate_percent <= 100
    error_message = "alarm_api_5xx_rate_percent must be greater than 0 and at most 100."
  }
}

variable "alarm_latency_p99_ms" {
  description = "Alarm when the API's p99 latency stays above this many milliseconds for 15 minutes."
  type        = number
  default     = 2000

  validation {
    # API Gateway gives up after 29 seconds, so a higher threshold could never be crossed.
    condition     = var.alarm_latency_p99_ms > 0 && var.alarm_latency_p99_ms < 29000
    error_message = "alarm_latency_p99_ms must be greater than 0 and below 29000 (API Gateway's integration timeout)."
  }
}

variable "alarm_function_errors_threshold" {
  description = "Alarm when a function fails (answers 5xx, times out or crashes) this many times in 5 minutes."
  type        = number
  default     = 1

  validation {
    condition     = var.alarm_function_errors_threshold >= 1 && floor(var.alarm_function_errors_threshold) == var.alarm_function_errors_threshold
    error_message = "alarm_function_errors_threshold must be a whole number >= 1."
  }
}

variable "alarm_throttles_threshold" {
  description = "Alarm when a function is throttled this many times in 5 minutes."
  type        = number
  default     = 1

  validation {
    condition     = var.alarm_throttles_threshold >= 1 && floor(var.alarm_throttles_threshold) == var.alarm_throttles_threshold
    error_message = "alarm_throttles_threshold must be a whole number >= 1."
  }
}

variable "alarm_job_failures_threshold" {
  description = "Alarm when a function's deferred jobs fail (dropped, retried) or cannot be deferred this many times in 5 minutes."
  type        = number
  default     = 1

  validation {
    condition     = var.alarm_job_failures_threshold >= 1 && floor(var.alarm_job_failures_threshold) == var.alarm_job_failures_threshold
    error_message = "alarm_job_failures_threshold must be a whole number >= 1."
  }
}

variable "alarm_failed_logins_threshold" {
  description = "Alarm when this many logins fail (wrong email or password) in 5 minutes: a brute-force signal. Size it above the stage's normal traffic."
  type        = number
  default     = 50

  validation {
    condition     = var.alarm_failed_logins_threshold >= 1 && floor(var.alarm_failed_logins_threshold) == var.alarm_failed_logins_threshold
    error_message = "alarm_failed_logins_threshold must be a whole number >= 1."
  }
}

variable "alarm_refresh_token_reuse_threshold" {
  description = "Alarm when this many refresh tokens are used again after they were exchanged, in 5 minutes. Each one is a stolen copy or a client that retries a refresh (its session is revoked either way), so the default of 1 makes any reuse worth a look."
  type        = number
  default     = 1

  validation {
    condition     = var.alarm_refresh_token_reuse_threshold >= 1 && floor(var.alarm_refresh_token_reuse_threshold) == var.alarm_refresh_token_reuse_threshold
    error_message = "alarm_refresh_token_reuse_threshold must be a whole number >= 1."
  }
}

variable "alarm_throttled_attempts_threshold" {
  description = "Alarm when the functions refuse this many logins, registrations or refreshes with 429 too-many-attempts in 5 minutes (AttemptThrottled): guessing or a registration flood in progress."
  type        = number
  default     = 50

  validation {
    condition     = var.alarm_throttled_attempts_threshold >= 1 && floor(var.alarm_throttled_attempts_threshold) == var.alarm_throttled_attempts_threshold
    error_message = "alarm_throttled_attempts_threshold must be a whole number >= 1."
  }
}

variable "waf_enabled" {
  description = "Put an AWS WAF web ACL in front of the stage (waf.tf): a rate-based rule per client IP on the public POST routes and AWS's IP reputation list. Costs a monthly fee per web ACL and rule plus a fee per million requests."
  type        = bool
  default     = false
}

variable "waf_rate_limit" {
  description = "With waf_enabled: requests one IP may send to the public POST routes (register, login, token refresh, logout, password forgot and reset, email verify) in any 5 minutes before WAF answers 429 for that IP."
  type        = number
  default     = 300

  validation {
    # WAF's own bounds for a rate-based rule.
    condition     = var.waf_rate_limit >= 10 && var.waf_rate_limit <= 2000000000 && floor(var.waf_rate_limit) == var.waf_rate_limit
    error_message = "waf_rate_limit must be a whole number from 10 to 2000000000."
  }
}

variable "email_identity" {
  description = "The Amazon SES identity the functions send email from: a domain (example.com; Terraform creates it, then publish the CNAME records of output email_dkim_records to verify it) or one address (no-reply@example.com; SES mails it a link to open). It must be verified before any email leaves, and while the account is in the SES sandbox recipients must be verified too (README.md, \"Email\")."
  type        = string

  validation {
    condition = (
      can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.email_identity)) ||
      can(regex("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.email_identity))
    )
    error_message = "email_identity must be a lowercase domain such as example.com or one email address such as no-reply@example.com."
  }
}

variable "email_identity_exists" {
  description = "Whether email_identity is already an SES identity of this account and region (verified outside this stack, or shared with another stage): true references it instead of creating it."
  type        = bool
  default     = false
}

variable "email_from" {
  description = "The From address of every email (EMAIL_FROM): an address of the email_identity domain (or of one of its subdomains), or the identity itself when it is an address. Null uses no-reply@<email_identity> for a domain, the identity for an address."
  type        = string
  default     = null

  validation {
    # `||` evaluates both sides, so try() keeps a null email_from from failing the functions.
    condition = var.email_from == null || try(
      can(regex("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9.-]+$", var.email_from)) &&
      (
        strcontains(var.email_identity, "@")
        ? var.email_from == var.email_identity
        : endswith(var.email_from, "@${var.email_identity}") || endswith(var.email_from, ".${var.email_identity}")
      ),
      false,
    )
    error_message = "email_from must be one address that email_identity may send from: in its domain (or a subdomain), or the identity itself when it is an address."
  }
}

variable "app_url" {
  description = "The web application's base URL (APP_URL): the reset and verification links in emails open <app_url>/reset-password?token=... and <app_url>/verify-email?token=.... An https URL without a trailing slash, query or fragment."
  type        = string

  validation {
    condition     = can(regex("^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*$", var.app_url))
    error_message = "app_url must be an https URL such as https://app.example.com, without a trailing slash, query or fragment."
  }
}

variable "alarm_email_send_failed_threshold" {
  description = "Alarm when this many emails (verification, password reset) fail to send in 5 minutes, whatever the reason: SES refused or throttled them, did not answer, or the sending setup is wrong. The requests still answered as if they had been sent."
  type        = number
  default     = 1

  validation {
    condition     = var.alarm_email_send_failed_threshold >= 1 && floor(var.alarm_email_send_failed_threshold) == var.alarm_email_send_failed_threshold
    error_message = "alarm_email_send_failed_threshold must be a whole number >= 1."
  }
}

variable "deferred_job_retry_attempts" {
  description = "Times Lambda retries a deferred job whose run failed on an unavailable dependency (0-2, minutes apart)."
  type        = number
  default     = 1

  validation {
    condition     = contains([0, 1, 2], var.deferred_job_retry_attempts)
    error_message = "deferred_job_retry_attempts must be 0, 1 or 2 (Lambda's limits)."
  }
}

variable "deferred_job_max_age_seconds" {
  description = "Seconds Lambda keeps a deferred job it has not run yet (throttling, retries) before discarding it (60-21600)."
  type        = number
  default     = 900

  validation {
    condition     = var.deferred_job_max_age_seconds >= 60 && var.deferred_job_max_age_seconds <= 21600 && floor(var.deferred_job_max_age_seconds) == var.deferred_job_max_age_seconds
    error_message = "deferred_job_max_age_seconds must be a whole number of seconds from 60 to 21600 (Lambda's limits)."
  }
}

variable "abuse_protection" {
  description = "The functions' throttle and new-password check (README.md, \"Abuse protection\"). Every attribute left null keeps the functions' own default, named here in brackets: login_max_failures (5) consecutive failed logins lock an account for login_backoff_seconds (30), doubling up to login_max_backoff_seconds (900); per client address and fixed window, at most *_limit attempts per *_window_seconds: failed logins (50 / 900), registrations (20 / 3600), failed refreshes (50 / 900), emails asked for (20 / 3600), emailed-link tokens that did not work (50 / 900); per email, emails asked for (5 / 3600); pwned_passwords_check also looks new passwords up in Have I Been Pwned's range API (false)."
  type = object({
    login_max_failures                  = optional(number)
    login_backoff_seconds               = optional(number)
    login_max_backoff_seconds           = optional(number)
    address_login_failures_limit        = optional(number)
    address_login_window_seconds        = optional(number)
    address_registrations_limit         = optional(number)
    address_registration_window_seconds = optional(number)
    address_refresh_failures_limit      = optional(number)
    address_refresh_window_seconds      = optional(number)
    address_email_requests_limit        = optional(number)
    address_email_window_seconds        = optional(number)
    address_link_failures_limit         = optional(number)
    address_link_window_seconds         = optional(number)
    account_email_requests_limit        = optional(number)
    account_email_window_seconds        = optional(number)
    pwned_passwords_check               = optional(bool)
  })
  default = {}

  validation {
    # The bounds the functions check (functions/shared/config.ts): a value outside them would fail every cold start.
    condition = alltrue([
      # Conditionals, not || : Terraform evaluates both sides of ||, and floor(null) is an error.
      for name, value in var.abuse_protection : (
        value == null ? true :
        name == "pwned_passwords_check" ? true :
        floor(value) != value || value < 1 ? false :
        name == "login_max_failures" ? value <= 100 :
        endswith(name, "_window_seconds") ? value >= 60 && value <= 3600 :
        endswith(name, "_limit") ? value <= 1000000 :
        value <= 3600
      )
    ])
    error_message = "abuse_protection: login_max_failures is 1-100, backoffs 1-3600 s, windows 60-3600 s, limits 1-1000000, all whole numbers."
  }

  validation {
    condition = (
      var.abuse_protection.login_backoff_seconds == null || var.abuse_protection.login_max_backoff_seconds == null
      ? true
      : var.abuse_protection.login_max_backoff_seconds >= var.abuse_protection.login_backoff_seconds
    )
    error_message = "abuse_protection.login_max_backoff_seconds must be at least login_backoff_seconds."
  }
}

variable "email_links" {
  description = "The emailed links (README.md, \"Email\"). Null keeps the functions' default: password_reset_ttl_seconds (1800) and email_verification_ttl_seconds (86400) are how long a link works; require_verified_email (false) makes login answer 403 email-not-verified until the account's email is verified."
  type = object({
    password_reset_ttl_seconds     = optional(number)
    email_verification_ttl_seconds = optional(number)
    require_verified_email         = optional(bool)
  })
  default = {}

  validation {
    condition = (
      (var.email_links.password_reset_ttl_seconds == null ? true : floor(var.email_links.password_reset_ttl_seconds) == var.email_links.password_reset_ttl_seconds && var.email_links.password_reset_ttl_seconds >= 300 && var.email_links.password_reset_ttl_seconds <= 86400) &&
      (var.email_links.email_verification_ttl_seconds == null ? true : floor(var.email_links.email_verification_ttl_seconds) == var.email_links.email_verification_ttl_seconds && var.email_links.email_verification_ttl_seconds >= 3600 && var.email_links.email_verification_ttl_seconds <= 604800)
    )
    error_message = "email_links: password_reset_ttl_seconds is 300-86400 and email_verification_ttl_seconds 3600-604800, whole seconds."
  }
}
