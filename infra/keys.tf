# Token signing keys. Each generation in var.signing_key_generations is an asymmetric KMS key
# (ECC_NIST_P256, SIGN_VERIFY): its private half never leaves KMS, so it is in no plan, state,
# parameter or environment. Every listed generation is published: verifiers get its public key in
# their configuration (JWT_PUBLIC_KEYS), so a cold start makes no call and holds no secret, and
# the JWKS lists it. var.signing_key_current names the one that signs: only the functions that
# issue tokens may call kms:Sign, and only with that key.
#
# Publishing and signing are separate applies because Terraform updates all functions at once:
# when a key is published and signs in the same apply, an issuer already updated can sign with it
# while an authorizer still runs without its public key, and that token gets a 401. So a generation
# is published (appended) first, signs from a later apply, and is removed only after another one
# signs (the variable's validation refuses removing the signing one). Rotation runbook: README.md,
# "Tokens and sessions".

resource "aws_kms_key" "signing" {
  for_each = toset(var.signing_key_generations)

  description              = "Signs ${local.name} access tokens (ES256), key generation ${each.key}"
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
  # A removed generation's key is deleted after the longest window KMS allows, during which
  # `aws kms cancel-key-deletion` undoes a removal made too early.
  deletion_window_in_days = 30
}

resource "aws_kms_alias" "signing" {
  for_each = aws_kms_key.signing

  name          = "alias/${local.name}-token-signing-${each.key}"
  target_key_id = each.value.key_id
}

# GetPublicKey: the public half only, in DER SubjectPublicKeyInfo (base64), as JWT_PUBLIC_KEYS takes it.
data "aws_kms_public_key" "signing" {
  for_each = aws_kms_key.signing

  key_id = each.value.arn
}

locals {
  # Validated to be one of var.signing_key_generations; null only when one is listed. (Not
  # coalesce(): it evaluates one() even when the variable is set.)
  current_signing_key_generation = var.signing_key_current != null ? var.signing_key_current : one(var.signing_key_generations)
  current_signing_key_arn        = aws_kms_key.signing[local.current_signing_key_generation].arn

  # The generation's name is the `kid` of the tokens its key signs.
  signing_public_keys = { for generation in var.signing_key_generations : generation => data.aws_kms_public_key.signing[generation].public_key }

  # What a function's `tokens` profile (local.functions) adds to its environment: public keys to
  # verify with (and publish), and for issuers the signing key's id and KMS ARN, never a key. Only
  # the issuers' part depends on var.signing_key_current, so switching it restarts only them.
  token_environment = {
    none   = {}
    verify = { JWT_PUBLIC_KEYS = jsonencode(local.signing_public_keys) }
    sign = {
      JWT_PUBLIC_KEYS     = jsonencode(local.signing_public_keys)
      JWT_SIGNING_KEY_ID  = local.current_signing_key_generation
      JWT_SIGNING_KMS_KEY = local.current_signing_key_arn
    }
  }

  token_issuers = { for key, function in local.functions : key => function if function.tokens == "sign" }
}

data "aws_iam_policy_document" "sign_tokens" {
  statement {
    sid = "SignTokensWithTheCurrentKey"
    # Sign only: no kms:GetPublicKey (the public keys come with the configuration), no Verify, no other key.
    actions   = ["kms:Sign"]
    resources = [local.current_signing_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:SigningAlgorithm"
      values   = ["ECDSA_SHA_256"]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:MessageType"
      values   = ["DIGEST"]
    }
  }
}

# Switching the signing key must not leave an issuer unable to sign: the functions depend on this
# policy (functions.tf), and a policy named after its generation is replaced, not edited, when the
# signing key changes, so with create_before_destroy the grant on the new key exists before the
# issuers switch to it, and the grant on the old key is deleted only after they have switched.
# Edited in place, the grant would move to the new key while the issuers still sign with the old.
resource "aws_iam_role_policy" "sign_tokens" {
  for_each = local.token_issuers

  name   = "sign-tokens-${local.current_signing_key_generation}"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.sign_tokens.json

  lifecycle {
    create_before_destroy = true
  }
}
