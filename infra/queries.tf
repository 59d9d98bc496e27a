# Saved Logs Insights queries, on the fields the functions' request line and the access log write.

locals {
  function_log_group_names = [for group in aws_cloudwatch_log_group.function : group.name]
  queries = {
    errors-by-request-id = {
      log_groups = local.function_log_group_names
      query      = <<-EOT
        fields @timestamp, correlation_id, function_name, operation, status, outcome, reason, message, error.name, error.message
        | filter level = "ERROR" or level = "WARN" or status >= 500
        | sort @timestamp desc
        | limit 200
      EOT
    }
    slowest-requests = {
      log_groups = local.function_log_group_names
      query      = <<-EOT
        fields @timestamp, correlation_id, operation, status, outcome, duration_ms, cold_start, db_connection
        | filter message = "request completed"
        | sort duration_ms desc
        | limit 50
      EOT
    }
    cold-starts-by-function = {
      log_groups = local.function_log_group_names
      query      = <<-EOT
        filter message = "request completed" and cold_start = 1
        | stats count(*) as cold_starts, avg(duration_ms) as avg_ms, max(duration_ms) as max_ms by function_name
        | sort cold_starts desc
      EOT
    }
    failed-logins-by-ip = {
      log_groups = [aws_cloudwatch_log_group.access.name]
      query      = <<-EOT
        filter httpMethod = "${local.operations.login.method}" and resourcePath = "${local.operations.login.path}" and status = "401"
        | stats count(*) as failed_logins, earliest(requestTime) as first, latest(requestTime) as last by ip
        | sort failed_logins desc
        | limit 50
      EOT
    }
    # The warning a reused refresh token leaves, with the revoked session's id; correlation_id is
    # the requestId of the access log line, which has the caller's ip.
    refresh-token-reuse = {
      log_groups = [aws_cloudwatch_log_group.function[local.operations.refreshToken.function].name]
      query      = <<-EOT
        fields @timestamp, correlation_id, session_id, message
        | filter level = "WARN" and ispresent(session_id)
        | sort @timestamp desc
        | limit 100
      EOT
    }
  }
}

resource "aws_cloudwatch_query_definition" "this" {
  for_each = local.queries

  name            = "${local.name}/${each.key}"
  log_group_names = each.value.log_groups
  query_string    = each.value.query
}
