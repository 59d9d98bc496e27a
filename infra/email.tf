# Email through Amazon SES (API v2). The functions whose code sends (sends_email in
# generated/terraform.json: their bundle includes functions/shared/email/send.ts) send from one
# identity through one configuration set, whose bounces and complaints go to an SNS topic. They
# may call ses:SendEmail on that identity and that configuration set, from that address, and
# nothing else; no other function gets the permission or the settings.

locals {
  email_identity_is_domain = !strcontains(var.email_identity, "@")
  # A domain identity sends from any of its addresses; an address identity only from itself.
  email_from = coalesce(var.email_from, local.email_identity_is_domain ? "no-reply@${var.email_identity}" : var.email_identity)

  # Created here, or (email_identity_exists) verified already in this account and region.
  email_identity_arn = var.email_identity_exists ? data.aws_sesv2_email_identity.existing[0].arn : aws_sesv2_email_identity.this[0].arn

  # What a function's `email` profile (main.tf) adds to its environment.
  email_environment = {
    none = {}
    send = {
      EMAIL_TRANSPORT         = "ses"
      EMAIL_FROM              = local.email_from
      EMAIL_CONFIGURATION_SET = aws_sesv2_configuration_set.this.configuration_set_name
      APP_URL                 = var.app_url
    }
  }

  email_senders = { for key, function in local.functions : key => function if function.email == "send" }
}

resource "aws_sesv2_configuration_set" "this" {
  configuration_set_name = "${local.name}-email"

  # Bounce and complaint rates per configuration set, in CloudWatch (SES pauses an account whose rates run high).
  reputation_options {
    reputation_metrics_enabled = true
  }

  # An address that bounced or complained is not mailed again: another send would only hurt the sender's reputation.
  suppression_options {
    suppressed_reasons = ["BOUNCE", "COMPLAINT"]
  }
}

resource "aws_sesv2_email_identity" "this" {
  count = var.email_identity_exists ? 0 : 1

  email_identity = var.email_identity
  # Mail from this identity goes through the configuration set even when a sender names none.
  configuration_set_name = aws_sesv2_configuration_set.this.configuration_set_name

  # A domain signs with Easy DKIM, 2048-bit keys rather than SES's 1024-bit default; its tokens
  # are the CNAME records to publish (output email_dkim_records). An address has no DNS to sign with.
  dynamic "dkim_signing_attributes" {
    for_each = local.email_identity_is_domain ? ["easy-dkim"] : []
    content {
      next_signing_key_length = "RSA_2048_BIT"
    }
  }
}

data "aws_sesv2_email_identity" "existing" {
  count = var.email_identity_exists ? 1 : 0

  email_identity = var.email_identity
}

# Bounces and complaints, for whoever must act on them (subscribe a queue or an address to it).
# SES publishes to a topic of its own account without a topic policy.
resource "aws_sns_topic" "email_feedback" {
  name = "${local.name}-email-feedback"
}

resource "aws_sesv2_configuration_set_event_destination" "feedback" {
  configuration_set_name = aws_sesv2_configuration_set.this.configuration_set_name
  event_destination_name = "bounces-and-complaints"

  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE", "COMPLAINT"]

    sns_destination {
      topic_arn = aws_sns_topic.email_feedback.arn
    }
  }
}

data "aws_iam_policy_document" "send_email" {
  statement {
    sid = "SendFromTheIdentityThroughTheConfigurationSet"
    # SendEmail is authorized on the identity and, when a message names one, on its configuration
    # set (SES's service authorization reference); no SendRawEmail, no other identity or set.
    actions   = ["ses:SendEmail"]
    resources = [local.email_identity_arn, aws_sesv2_configuration_set.this.arn]
    condition {
      test     = "StringEquals"
      variable = "ses:FromAddress"
      values   = [local.email_from]
    }
  }
}

resource "aws_iam_role_policy" "send_email" {
  for_each = local.email_senders

  name   = "send-email"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.send_email.json
}
