# Alarms into one SNS topic per stage. An alarm cannot SEARCH, so those reading the functions'
# metrics name each series, taken from the generated catalogue.

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
  alarm_period  = 300

  # Lambda counts as an error only what a function throws, times out or crashes on. The HTTP
  # functions answer their own failures with a 5xx, counted as HandlerError (one series per 5xx
  # outcome); the authorizer must throw to refuse a token, so its refusals (AuthorizerRejected,
  # one series per reason) are taken out of its Errors.
  failure_series = {
    for key in local.function_keys : key => {
      added      = key == local.authorizer_function ? [] : [for series in local.app_series.HandlerError : series if series.dimensions.operation == key]
      subtracted = key == local.authorizer_function ? local.app_series.AuthorizerRejected : []
    }
  }
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
    # Ids are by position: a dimension value need not be a valid id.
    expression = format(
      "MAX([0, errors%s%s])",
      length(local.failure_series[each.key].added) == 0 ? "" : " + SUM([${join(", ", [for index, _ in local.failure_series[each.key].added : "added${index}"])}])",
      length(local.failure_series[each.key].subtracted) == 0 ? "" : " - SUM([${join(", ", [for index, _ in local.failure_series[each.key].subtracted : "subtracted${index}"])}])",
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
    for_each = local.failure_series[each.key].added
    content {
      id = "added${metric_query.key}"
      metric {
        namespace   = local.metrics_namespace
        metric_name = local.app_metrics.HandlerError.name
        dimensions  = metric_query.value.dimensions
        period      = local.alarm_period
        stat        = "Sum"
      }
    }
  }

  dynamic "metric_query" {
    for_each = local.failure_series[each.key].subtracted
    content {
      id = "subtracted${metric_query.key}"
      metric {
        namespace   = local.metrics_namespace
        metric_name = local.app_metrics.AuthorizerRejected.name
        dimensions  = metric_query.value.dimensions
        period      = local.alarm_period
        stat        = "Sum"
      }
    }
  }

  lifecycle {
    precondition {
      # A metric math alarm reads at most 10 metrics (a hard CloudWatch limit).
      condition     = 1 + length(local.failure_series[each.key].added) + length(local.failure_series[each.key].subtracted) <= 10
      error_message = "The ${each.key} errors alarm would read more than 10 metrics: CloudWatch refuses it."
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
  metric_name         = local.app_metrics.LoginFailed.name
  dimensions          = local.service_dimensions
  statistic           = "Sum"
  period              = local.alarm_period
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarm_failed_logins_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# A refresh token used again after it was exchanged means two parties hold it: a stolen copy, or a
# client that retries a refresh. The session is already revoked; someone should look at why.
resource "aws_cloudwatch_metric_alarm" "refresh_token_reuse" {
  alarm_name          = "${local.name}-refresh-token-reuse"
  alarm_description   = "${var.alarm_refresh_token_reuse_threshold} or more refresh tokens of ${local.name} were used again after rotation in 5 minutes: each one's session was revoked. The refresh-token-reuse query lists the sessions and request ids."
  namespace           = local.metrics_namespace
  metric_name         = local.app_metrics.RefreshTokenReuse.name
  dimensions          = local.service_dimensions
  statistic           = "Sum"
  period              = local.alarm_period
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarm_refresh_token_reuse_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# Attempts refused by the functions' throttle (429 too-many-attempts): someone is guessing passwords,
# flooding registrations or asking for many emails. Summed over every operation and scope.
resource "aws_cloudwatch_metric_alarm" "throttled_attempts" {
  alarm_name        = "${local.name}-throttled-attempts"
  alarm_description = "${var.alarm_throttled_attempts_threshold} or more attempts refused with 429 too-many-attempts on ${local.name} in 5 minutes: password guessing, a registration flood or a flood of emails asked for. The failed-logins-by-ip query shows who; the dashboard splits them by operation and scope."
  # The total, published beside AttemptThrottled's per-operation series: an alarm could read at
  # most 10 of those (a hard CloudWatch limit), and there are more.
  namespace           = local.metrics_namespace
  metric_name         = local.app_metrics.AttemptThrottledTotal.name
  dimensions          = local.service_dimensions
  statistic           = "Sum"
  period              = local.alarm_period
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarm_throttled_attempts_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# An email that did not leave (SES refused or throttled it, did not answer, or the setup is wrong):
# a user waits for a link that never comes, and the request that wanted it answered as if it had
# left. Every reason is a series of its own, added up here.
resource "aws_cloudwatch_metric_alarm" "email_send_failed" {
  alarm_name          = "${local.name}-email-send-failed"
  alarm_description   = "${var.alarm_email_send_failed_threshold} or more emails of ${local.name} failed to send in 5 minutes. The functions' 'email not sent' log lines say why (reason misconfigured: fix the identity, permission or settings they name)."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarm_email_send_failed_threshold
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "failures"
    label       = "emails not sent"
    return_data = true
    expression  = "SUM([${join(", ", [for index, _ in local.app_series.EmailSendFailed : "reason${index}"])}])"
  }

  dynamic "metric_query" {
    for_each = local.app_series.EmailSendFailed
    content {
      id = "reason${metric_query.key}"
      metric {
        namespace   = local.metrics_namespace
        metric_name = local.app_metrics.EmailSendFailed.name
        dimensions  = metric_query.value.dimensions
        period      = local.alarm_period
        stat        = "Sum"
      }
    }
  }
}

# A function's deferred jobs failing or not being queued: users miss what the job does (an email)
# while every request still answers as if all were well. The function's log group says why:
# "job failed", "job dropped" and "job not deferred" lines, with a reason.
locals {
  job_failure_series = {
    for key in keys(local.job_deferrers) : key => {
      failed       = [for series in local.app_series.JobFailed : series if series.dimensions.operation == key]
      not_deferred = [for series in local.app_series.JobNotDeferred : series if series.dimensions.operation == key]
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "job_failures" {
  for_each = local.job_deferrers

  alarm_name          = "${local.name}-${each.key}-job-failures"
  alarm_description   = "${aws_lambda_function.this[each.key].function_name} could not run or queue ${var.alarm_job_failures_threshold} or more deferred jobs in 5 minutes (dropped, retried, throttled, unavailable or misconfigured)."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarm_job_failures_threshold
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "failures"
    label       = "failures"
    return_data = true
    # Ids are by position: a dimension value need not be a valid id.
    expression = "SUM([${join(", ", concat(
      [for index, _ in local.job_failure_series[each.key].failed : "failed${index}"],
      [for index, _ in local.job_failure_series[each.key].not_deferred : "notdeferred${index}"],
    ))}])"
  }

  dynamic "metric_query" {
    for_each = local.job_failure_series[each.key].failed
    content {
      id = "failed${metric_query.key}"
      metric {
        namespace   = local.metrics_namespace
        metric_name = local.app_metrics.JobFailed.name
        dimensions  = metric_query.value.dimensions
        period      = local.alarm_period
        stat        = "Sum"
      }
    }
  }

  dynamic "metric_query" {
    for_each = local.job_failure_series[each.key].not_deferred
    content {
      id = "notdeferred${metric_query.key}"
      metric {
        namespace   = local.metrics_namespace
        metric_name = local.app_metrics.JobNotDeferred.name
        dimensions  = metric_query.value.dimensions
        period      = local.alarm_period
        stat        = "Sum"
      }
    }
  }

  lifecycle {
    precondition {
      # A metric math alarm reads at most 10 metrics (a hard CloudWatch limit).
      condition     = length(local.job_failure_series[each.key].failed) + length(local.job_failure_series[each.key].not_deferred) <= 10
      error_message = "The ${each.key} job failures alarm would read more than 10 metrics: CloudWatch refuses it."
    }
  }
}
