# Edge protection (waf_enabled): an AWS WAF web ACL on the stage. It stops floods before they reach
# a function: a rate-based rule counts each client IP's requests to the public POST routes and
# blocks an IP over var.waf_rate_limit in 5 minutes, and AWS's IP reputation list blocks addresses
# known for bots, reconnaissance and attacks. The functions' own throttle (per account and per
# address, in MongoDB) still applies to whatever gets through.

locals {
  # The routes anyone may POST to, from the contract: register, login, token refresh, logout.
  waf_public_post_paths = sort([for operation in values(local.operations) : operation.path if operation.method == "POST" && !operation.authorizer])

  # What WAF answers a blocked IP: a problem of the contract's `throttled` type, as API Gateway's throttle answers.
  waf_throttled_problem = {
    type   = "urn:auth-api:problem:throttled"
    title  = "Too many requests"
    status = 429
    detail = "Too many requests; try again later"
  }
}

resource "aws_wafv2_web_acl" "this" {
  count = var.waf_enabled ? 1 : 0

  name        = local.name
  description = "Rate limit per IP on the public POST routes, and AWS's IP reputation list, for ${local.name}."
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  custom_response_body {
    key          = "rate-limited"
    content_type = "APPLICATION_JSON"
    content      = jsonencode(local.waf_throttled_problem)
  }

  rule {
    name     = "rate-limit-public-posts"
    priority = 0

    action {
      block {
        custom_response {
          response_code            = 429
          custom_response_body_key = "rate-limited"
          response_header {
            name  = "Retry-After"
            value = "300"
          }
        }
      }
    }

    statement {
      rate_based_statement {
        limit                 = var.waf_rate_limit
        evaluation_window_sec = 300
        aggregate_key_type    = "IP"

        scope_down_statement {
          and_statement {
            statement {
              byte_match_statement {
                search_string         = "POST"
                positional_constraint = "EXACTLY"
                field_to_match {
                  method {}
                }
                text_transformation {
                  priority = 0
                  type     = "NONE"
                }
              }
            }
            statement {
              or_statement {
                # The path as WAF sees it carries the stage (/prod/login) through the execute-api
                # domain and not through a custom domain: match its end.
                dynamic "statement" {
                  for_each = local.waf_public_post_paths
                  content {
                    byte_match_statement {
                      search_string         = statement.value
                      positional_constraint = "ENDS_WITH"
                      field_to_match {
                        uri_path {}
                      }
                      text_transformation {
                        priority = 0
                        type     = "NONE"
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.name}-rate-limit-public-posts"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-ip-reputation-list"
    priority = 1

    # The group's own actions: block known bad addresses.
    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAmazonIpReputationList"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.name}-ip-reputation-list"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = local.name
    sampled_requests_enabled   = true
  }

  lifecycle {
    precondition {
      # An OR statement needs at least two statements.
      condition     = length(local.waf_public_post_paths) >= 2
      error_message = "The WAF rate rule expects at least two public POST routes in openapi.yaml."
    }
  }
}

resource "aws_wafv2_web_acl_association" "this" {
  count = var.waf_enabled ? 1 : 0

  resource_arn = aws_api_gateway_stage.this.arn
  web_acl_arn  = aws_wafv2_web_acl.this[0].arn
}
