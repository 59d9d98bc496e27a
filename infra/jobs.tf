# Deferred jobs (functions/shared/deferred/): a function that defers work invokes itself
# asynchronously, so that a request does the same work whatever the job will find. Such a
# function (the code fact defers_jobs) may invoke itself and no other function, and Lambda keeps
# its queued jobs for a bounded time and retries a failed one a bounded number of times.

locals {
  # Its own ARN is built from its name rather than read from aws_lambda_function.this: the
  # function depends on its role's policies (the grant must be there for its first request), so
  # reading the ARN back would be a dependency cycle.
  job_deferrers = {
    for key, function in local.functions : key => {
      arn = "arn:${local.partition}:lambda:${var.region}:${local.account_id}:function:${local.name}-${key}"
    } if local.generated.functions[key].defers_jobs
  }
}

data "aws_iam_policy_document" "defer_jobs" {
  for_each = local.job_deferrers

  statement {
    sid = "InvokeItselfToDeferJobs"
    # Unqualified ARN only: jobs go to the function's current code, never to an older version.
    actions   = ["lambda:InvokeFunction"]
    resources = [each.value.arn]
  }
}

resource "aws_iam_role_policy" "defer_jobs" {
  for_each = local.job_deferrers

  name   = "defer-jobs"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.defer_jobs[each.key].json
}

# Lambda's defaults would retry a failed job twice and keep an undelivered one for six hours: an
# email that arrives hours later does more harm than good.
resource "aws_lambda_function_event_invoke_config" "deferred_jobs" {
  for_each = local.job_deferrers

  function_name                = aws_lambda_function.this[each.key].function_name
  maximum_retry_attempts       = var.deferred_job_retry_attempts
  maximum_event_age_in_seconds = var.deferred_job_max_age_seconds
}
