# One dashboard per stage: the API, every function, and what the functions count. Widgets list
# functions and series from the generated catalogue, so a new function, reason or outcome appears
# with no edit here.

locals {
  dashboard_period = 300

  api_dimensions = ["ApiName", aws_api_gateway_rest_api.this.name, "Stage", var.stage]
  function_names = { for key, function in aws_lambda_function.this : key => function.function_name }
  # The functions whose code uses the database: the only ones that open a connection to count.
  database_functions = [for key in local.function_keys : key if local.generated.functions[key].uses_database]

  # Every series of a metric with dimensions, whatever their values: for graphs whose series are
  # too many to list (a SEARCH is not allowed in an alarm).
  app_metric_search = {
    for name, metric in local.app_metrics : name => format(
      "SEARCH('{\"%s\",%s} MetricName=\"%s\" %s=\"%s\"', 'Sum', %d)",
      local.metrics_namespace, join(",", sort(concat(keys(local.service_dimensions), metric.dimensions))),
      name, local.generated.metrics.service_dimension, local.service_name, local.dashboard_period,
    ) if length(metric.dimensions) > 0
  }

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
        title   = "Cold starts"
        stat    = "Sum"
        metrics = [for key, metric in local.function_metric.ColdStart : concat(metric, [{ label = key }])]
      },
      {
        # One ratio per function: each instance keeps its own connection, so reuse follows each
        # function's traffic. Ids are by position, as a function key need not be a valid id.
        title = "Database connections: reused % per function"
        stat  = "Sum"
        metrics = concat([
          for index, key in local.database_functions : [
            [{ expression = "100 * reused${index} / (reused${index} + opened${index})", label = key, id = "ratio${index}" }],
            concat(local.function_metric.DbConnectionReused[key], [{ id = "reused${index}", label = "${key} reused", visible = false }]),
            concat(local.function_metric.DbConnectionNew[key], [{ id = "opened${index}", label = "${key} new", visible = false }]),
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
        metrics = concat(
          [concat(local.app_metric.AuthorizerAllowed, [{ label = "allowed" }])],
          [for series in local.app_series.AuthorizerRejected : concat(series.metric, [{ label = series.label }])],
        )
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
      {
        title = "Sessions: created, refreshed, logged out"
        stat  = "Sum"
        metrics = [
          concat(local.app_metric.SessionCreated, [{ label = "created (register or login)" }]),
          concat(local.app_metric.RefreshSucceeded, [{ label = "refreshed" }]),
          concat(local.app_metric.Logout, [{ label = "logouts" }]),
        ]
      },
      {
        title   = "Refreshes refused by reason"
        stat    = "Sum"
        metrics = [for series in local.app_series.RefreshRefused : concat(series.metric, [{ label = series.label }])]
      },
      {
        # A refresh token used again after it was exchanged: someone holds a copy. Alarmed.
        title   = "Refresh token reuse (session revoked)"
        stat    = "Sum"
        metrics = [concat(local.app_metric.RefreshTokenReuse, [{ label = "reuse detected" }])]
        annotations = {
          horizontal = [{ label = "alarm", value = var.alarm_refresh_token_reuse_threshold }]
        }
      },
      {
        title   = "Sessions revoked by reason"
        stat    = "Sum"
        metrics = [for series in local.app_series.SessionRevoked : concat(series.metric, [{ label = series.label }])]
      },
      {
        # 429 too-many-attempts from the functions' throttle, per account or per address. Alarmed.
        title = "Attempts refused by the throttle, by operation and scope"
        stat  = "Sum"
        metrics = concat(
          # The total is what the alarm reads; the series say which operation and scope.
          [concat(local.app_metric.AttemptThrottledTotal, [{ label = "all (alarmed)" }])],
          [for series in local.app_series.AttemptThrottled : concat(series.metric, [{ label = series.label }])],
        )
        annotations = {
          horizontal = [{ label = "alarm", value = var.alarm_throttled_attempts_threshold }]
        }
      },
      {
        title = "New passwords refused by reason"
        stat  = "Sum"
        metrics = concat(
          [for series in local.app_series.PasswordRejected : concat(series.metric, [{ label = series.label }])],
          [concat(local.app_metric.PwnedCheckUnavailable, [{ label = "breach check unavailable (accepted)" }])],
        )
      },
      {
        # Emails that did not leave, while their requests answered as if they had. Alarmed.
        title   = "Emails not sent by reason"
        stat    = "Sum"
        metrics = [for series in local.app_series.EmailSendFailed : concat(series.metric, [{ label = series.label }])]
        annotations = {
          horizontal = [{ label = "alarm", value = var.alarm_email_send_failed_threshold }]
        }
      },
      {
        # Work a request handed to its function's asynchronous invocation (jobs.tf). Alarmed.
        title = "Deferred jobs failed or not deferred, by function and reason"
        stat  = "Sum"
        metrics = [
          [{ expression = local.app_metric_search.JobFailed, id = "jobsfailed", label = "" }],
          [{ expression = local.app_metric_search.JobNotDeferred, id = "jobsnotdeferred", label = "" }],
        ]
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
        properties = merge(
          {
            title   = widget.title
            region  = var.region
            view    = "timeSeries"
            stacked = false
            period  = local.dashboard_period
            stat    = widget.stat
            metrics = widget.metrics
          },
          can(widget.annotations) ? { annotations = widget.annotations } : {},
        )
      }
    ]
  })
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = local.name
  dashboard_body = local.dashboard_body
}
