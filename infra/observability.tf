# What operators open: one dashboard per stage, alarms into an SNS topic, and saved Logs Insights
# queries. The functions' own metrics are read exactly as the code publishes them.

locals {
  # The namespace and service the functions receive (POWERTOOLS_*), so the dashboard reads where
  # the functions write.
  metrics_namespace = local.common_environment.POWERTOOLS_METRICS_NAMESPACE
  service_name      = local.common_environment.POWERTOOLS_SERVICE_NAME

  # Every metric of ours this file reads, with the dimensions it is published with besides
  # `service`: MetricName and METRIC_DIMENSIONS in functions/shared/observability.ts, which
  # test/infra/observability.test.ts holds equal. CloudWatch matches name and the whole dimension
  # set, so a widget asking for anything else would stay empty.
  app_metrics = {
    ColdStart              = ["function_name"]
    DbConnectionNew        = ["function_name"]
    DbConnectionReused     = ["function_name"]
    RegistrationSucceeded  = []
    RegistrationEmailTaken = []
    RegistrationRejected   = []
    LoginSucceeded         = []
    LoginFailed            = []
    LoginRejected          = []
    AuthorizerAllowed      = []
    AuthorizerRejected     = ["reason"]
    SessionCreated         = []
    RefreshSucceeded       = []
    RefreshRefused         = ["reason"]
    RefreshTokenReuse      = []
    Logout                 = []
    SessionRevoked         = ["reason"]
    HandlerError           = ["operation", "outcome"]
  }

  # Values of those dimensions an alarm must name one by one (alarms cannot SEARCH):
  # TOKEN_REJECTION in functions/shared/errors.ts, and the outcomes of the errors answered with a 5xx.
  token_rejections      = ["missing", "malformed", "expired", "not_yet_valid", "bad_signature", "wrong_algorithm", "wrong_issuer", "wrong_audience", "bad_claims"]
  server_error_outcomes = ["config_error", "integration_error", "dependency_unavailable", "error"]

  # A metric of ours in dashboard form: namespace, name, then dimension name/value pairs.
  app_metric = {
    for name, dimensions in local.app_metrics : name => [local.metrics_namespace, name, "service", local.service_name] if length(dimensions) == 0
  }
  # Every series of a metric with more dimensions, whatever their values, for graphs only.
  app_metric_search = {
    for name, dimensions in local.app_metrics : name => "SEARCH('{\"${local.metrics_namespace}\",${join(",", sort(concat(["service"], dimensions)))}} MetricName=\"${name}\" service=\"${local.service_name}\"', 'Sum', ${local.dashboard_period})"
    if length(dimensions) > 0
  }

  dashboard_period = 300
  alarm_period     = 300

  api_dimensions = ["ApiName", aws_api_gateway_rest_api.this.name, "Stage", var.stage]
  function_names = { for key, function in aws_lambda_function.this : key => function.function_name }
  # The functions given the MongoDB URI: the only ones that open a connection to count.
  database_functions = { for key, name in local.function_names : key => name if contains(local.functions[key].secrets, "mongodb_uri") }

  # One line per function, so a function added to the contract appears with no edit here.
  per_function = {
    invocations = { title = "Invocations", metric = "Invocations", stat = "Sum" }
    errors      = { title = "Errors (thrown, timed out or crashed)", metric = "Errors", stat = "Sum" }
    duration    = { title = "Duration p99 (ms)", metric = "Duration", stat = "p99" }
    throttles   = { title = "Throttles", metric = "Throttles", stat = "Sum" }
    concurrency = { title = "Concurrent executions (max)", metric = "ConcurrentExecutions", stat = "Maximum" }
  }

  widgets = concat(
    [
      {
        title = "API requests, 4xx and 5xx"
        stat  = "Sum"
        metrics = [
          concat(["AWS/ApiGateway", "Count"], local.api_dimensions, [{ label = "requests" }]),
          concat(["AWS/ApiGateway", "4XXError"], local.api_dimensions, [{ label = "4xx" }]),
          concat(["AWS/ApiGateway", "5XXError"], local.api_dimensions, [{ label = "5xx" }]),
        ]
      },
      {
        title = "API latency (ms)"
        stat  = "p50"
        metrics = [
          for percentile in ["p50", "p90", "p99"] : concat(["AWS/ApiGateway", "Latency"], local.api_dimensions, [{ stat = percentile, label = percentile }])
        ]
      },
    ],
    [
      for widget in values(local.per_function) : {
        title   = widget.title
        stat    = widget.stat
        metrics = [for key, name in local.function_names : ["AWS/Lambda", widget.metric, "FunctionName", name, { label = key }]]
      }
    ],
    [
      {
        title = "Cold starts"
        stat  = "Sum"
        metrics = [
          for key, name in local.function_names : [local.metrics_namespace, "ColdStart", "service", local.service_name, "function_name", name, { label = key }]
        ]
      },
      {
        # One ratio per function: each instance keeps its own connection, so reuse follows each
        # function's traffic. Ids are by position, as a function key need not be a valid id.
        title = "Database connections: reused % per function"
        stat  = "Sum"
        metrics = concat([
          for index, key in keys(local.database_functions) : [
            [{ expression = "100 * reused${index} / (reused${index} + opened${index})", label = key, id = "ratio${index}" }],
            [local.metrics_namespace, "DbConnectionReused", "service", local.service_name, "function_name", local.database_functions[key], { id = "reused${index}", label = "${key} reused", visible = false }],
            [local.metrics_namespace, "DbConnectionNew", "service", local.service_name, "function_name", local.database_functions[key], { id = "opened${index}", label = "${key} new", visible = false }],
          ]
        ]...)
      },
      {
        title = "Logins"
        stat  = "Sum"
        metrics = [
          concat(local.app_metric.LoginSucceeded, [{ label = "succeeded" }]),
          concat(local.app_metric.LoginFailed, [{ label = "failed (wrong credentials)" }]),
          concat(local.app_metric.LoginRejected, [{ label = "rejected (invalid request)" }]),
        ]
      },
      {
        title = "Authorizer: allowed vs rejected by reason"
        stat  = "Sum"
        metrics = [
          concat(local.app_metric.AuthorizerAllowed, [{ label = "allowed" }]),
          [{ expression = local.app_metric_search.AuthorizerRejected, id = "rejected", label = "" }],
        ]
      },
      {
        title = "Registrations by outcome"
        stat  = "Sum"
        metrics = [
          concat(local.app_metric.RegistrationSucceeded, [{ label = "registered" }]),
          concat(local.app_metric.RegistrationEmailTaken, [{ label = "email taken" }]),
          concat(local.app_metric.RegistrationRejected, [{ label = "rejected (invalid request)" }]),
        ]
      },
      {
        title   = "Handler errors by operation and outcome"
        stat    = "Sum"
        metrics = [[{ expression = local.app_metric_search.HandlerError, id = "errors", label = "" }]]
      },
    ],
  )

  dashboard_body = jsonencode({
    widgets = [
      for index, widget in local.widgets : {
        type   = "metric"
        x      = (index % 3) * 8
        y      = floor(index / 3) * 6
        width  = 8
        height = 6
        properties = {
          title   = widget.title
          region  = var.region
          view    = "timeSeries"
          stacked = false
          period  = local.dashboard_period
          stat    = widget.stat
          metrics = widget.metrics
        }
      }
    ]
  })
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = local.name
  dashboard_body = local.dashboard_body
}

# Alarm notifications. Not encrypted with KMS: CloudWatch cannot publish to a topic encrypted
# with the AWS managed aws/sns key, and nothing sensitive is in an alarm message.
resource "aws_sns_topic" "alarms" {
  name = "${local.name}-alarms"
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

locals {
  alarm_actions = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "api_5xx_rate" {
  alarm_name          = "${local.name}-api-5xx-rate"
  alarm_description   = "More than ${var.alarm_api_5xx_rate_percent}% of ${local.name} API requests answered 5xx over 5 minutes."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_api_5xx_rate_percent
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, 100 * errors / requests, 0)"
    label       = "5xx %"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "5XXError"
      dimensions  = { ApiName = aws_api_gateway_rest_api.this.name, Stage = var.stage }
      period      = local.alarm_period
      stat        = "Sum"
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      dimensions  = { ApiName = aws_api_gateway_rest_api.this.name, Stage = var.stage }
      period      = local.alarm_period
      stat        = "Sum"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "api_latency_p99" {
  alarm_name          = "${local.name}-api-latency-p99"
  alarm_description   = "${local.name} API p99 latency above ${var.alarm_latency_p99_ms} ms for 3 periods of 5 minutes."
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = { ApiName = aws_api_gateway_rest_api.this.name, Stage = var.stage }
  extended_statistic  = "p99"
  period              = local.alarm_period
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_latency_p99_ms
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# Lambda counts as an error only what a function throws, times out or crashes on. The HTTP
# functions answer their own failures with a 5xx, counted as HandlerError; the authorizer must
# throw to refuse a token, so its refusals are taken out of its Errors.
resource "aws_cloudwatch_metric_alarm" "function_errors" {
  for_each = local.functions

  alarm_name          = "${local.name}-${each.key}-errors"
  alarm_description   = "${aws_lambda_function.this[each.key].function_name} failed ${var.alarm_function_errors_threshold} or more times in 5 minutes (5xx answers, timeouts, crashes)."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarm_function_errors_threshold
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "failures"
    label       = "failures"
    return_data = true
    expression = (
      each.key == local.authorizer_function
      ? "MAX([0, errors - SUM([${join(", ", [for index, _ in local.token_rejections : "rejected${index}"])}])])"
      : "errors + SUM([${join(", ", [for index, _ in local.server_error_outcomes : "handled${index}"])}])"
    )
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      dimensions  = { FunctionName = aws_lambda_function.this[each.key].function_name }
      period      = local.alarm_period
      stat        = "Sum"
    }
  }

  dynamic "metric_query" {
    for_each = each.key == local.authorizer_function ? local.token_rejections : []
    content {
      id = "rejected${metric_query.key}"
      metric {
        namespace   = local.metrics_namespace
        metric_name = "AuthorizerRejected"
        dimensions  = { service = local.service_name, reason = metric_query.value }
        period      = local.alarm_period
        stat        = "Sum"
      }
    }
  }

  dynamic "metric_query" {
    for_each = each.key == local.authorizer_function ? [] : local.server_error_outcomes
    content {
      id = "handled${metric_query.key}"
      metric {
        namespace   = local.metrics_namespace
        metric_name = "HandlerError"
        dimensions  = { service = local.service_name, operation = each.key, outcome = metric_query.value }
        period      = local.alarm_period
        stat        = "Sum"
      }
    }
  }

  lifecycle {
    precondition {
      # A metric math alarm reads at most 10 metrics (a hard CloudWatch limit).
      condition     = 1 + max(length(local.token_rejections), length(local.server_error_outcomes)) <= 10
      error_message = "A function errors alarm would read more than 10 metrics: CloudWatch refuses it."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "function_throttles" {
  for_each = local.functions

  alarm_name          = "${local.name}-${each.key}-throttles"
  alarm_description   = "${aws_lambda_function.this[each.key].function_name} was throttled ${var.alarm_throttles_threshold} or more times in 5 minutes."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = aws_lambda_function.this[each.key].function_name }
  statistic           = "Sum"
  period              = local.alarm_period
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarm_throttles_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# Many wrong passwords in a short time: credential stuffing or brute force.
resource "aws_cloudwatch_metric_alarm" "failed_logins" {
  alarm_name          = "${local.name}-failed-logins"
  alarm_description   = "${var.alarm_failed_logins_threshold} or more failed logins on ${local.name} in 5 minutes: a brute-force or credential-stuffing signal. The failed-logins-by-ip query shows who."
  namespace           = local.metrics_namespace
  metric_name         = "LoginFailed"
  dimensions          = { service = local.service_name }
  statistic           = "Sum"
  period              = local.alarm_period
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarm_failed_logins_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

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
        filter httpMethod = "${local.operations["login"].method}" and resourcePath = "${local.operations["login"].path}" and status = "401"
        | stats count(*) as failed_logins, earliest(requestTime) as first, latest(requestTime) as last by ip
        | sort failed_logins desc
        | limit 50
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
