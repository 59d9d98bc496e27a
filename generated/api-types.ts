// Generated from openapi.yaml by scripts/generate.ts. Do not edit.
export interface paths {
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The public keys that verify tokens
         * @description The JSON Web Key Set (RFC 7517) of every live signing key: the current one,
         *     which signs new tokens, and any earlier one whose tokens may still be in use.
         *     Verify a token with the key whose `kid` its header names; a token naming no key
         *     listed here is not valid. Keys come and go only with a deployment, so cache the
         *     set as `Cache-Control` says, and fetch it again when a token names an unknown `kid`.
         */
        get: operations["getJwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/openid-configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Where to find the keys, for verifiers that discover them
         * @description The discovery document (OpenID Connect Discovery 1.0, section 3) at
         *     `{issuer}/.well-known/openid-configuration`, where the issuer is the `iss` of
         *     every token: this API's base URL. It holds what JWT verifiers read (API
         *     Gateway's JWT authorizer, JOSE libraries, framework middleware): the issuer,
         *     the JWKS URL and the signing algorithm. This API is not an OAuth 2.0
         *     authorization server, so no authorization or token endpoint is listed.
         */
        get: operations["getOpenIdConfiguration"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/email/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm an email address with a verification link's token
         * @description Marks the user's email as verified with the token from a verification email.
         *     The token works once. An unknown, used or expired token gets `invalid-token`.
         */
        post: operations["verifyEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in
         * @description Exchanges an email and password for an access token. An unknown email and
         *     a wrong password get the same answer, so the response does not reveal
         *     which emails are registered.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log out
         * @description Ends the session the refresh token belongs to: its refresh token and its
         *     access tokens stop working at once. Answers 204 whatever the token, so
         *     logging out twice, or with a token that was never valid, is not an error.
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The current user
         * @description Returns the user the access token was issued to.
         */
        get: operations["me"];
        put?: never;
        post?: never;
        /**
         * Delete the account
         * @description Deletes the user and every session of theirs, after checking the password.
         *     Their tokens stop working at once, and the email can be registered again.
         */
        delete: operations["deleteMe"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/email/verification": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send the verification email again
         * @description Sends a new verification link to the signed-in user's email; earlier links
         *     stop working. Answers `409` when the email is already verified.
         */
        post: operations["sendEmailVerification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change the password
         * @description Sets a new password after checking the current one. Every other session of
         *     the user ends at once; the session making the request stays signed in.
         */
        put: operations["changePassword"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in user's sessions
         * @description The user's live sessions, newest first (at most 100): where and when each
         *     started, when it was last refreshed and when it ends unless refreshed.
         *     `current` marks the session of the access token making the request. The
         *     user agent and address are shown as the client sent them, never trusted.
         */
        get: operations["listSessions"];
        put?: never;
        post?: never;
        /**
         * Log out everywhere
         * @description Ends every session of the user, the current one included: every refresh
         *     token and every access token of the user stops working at once.
         */
        delete: operations["revokeAllSessions"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/sessions/{sessionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * End one session
         * @description Ends one of the user's sessions (for example a lost phone's): its refresh
         *     token and access tokens stop working at once. A session that is not the
         *     user's, has already ended or never existed gets the same 404.
         */
        delete: operations["revokeSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/password/forgot": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask for a password reset email
         * @description If an account uses this email, sends it a link to choose a new password
         *     (valid for 30 minutes by default; a newer request replaces it). The answer is
         *     the same, in status, body, headers and time, whether or not the email is
         *     registered: the email is sent by a step that runs after the answer.
         */
        post: operations["forgotPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/password/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Choose a new password with a reset link's token
         * @description Sets a new password with the token from a reset email. The token works once;
         *     every session of the user ends, and every access token of theirs is refused
         *     from then on. An unknown, used, expired or superseded token gets one answer,
         *     `invalid-token`.
         */
        post: operations["resetPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register a new user
         * @description Creates a user and returns an access token for it. Emails are compared
         *     case-insensitively after trimming, so `Ada@Example.com ` and
         *     `ada@example.com` are the same account.
         */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/token/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refresh the tokens
         * @description Exchanges a refresh token for a new access token and a new refresh token.
         *     The refresh token given is used up: presenting it again ends the whole
         *     session (reuse detection), since only a stolen copy would be presented
         *     twice. An unknown, malformed, expired, revoked or reused refresh token
         *     gets one and the same 401.
         */
        post: operations["refreshToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List users
         * @description Lists users, oldest first, one page at a time. Public, as in the original
         *     API, so it shows only ids, names and creation times: never emails or
         *     password hashes. Pass the `nextCursor` of one page as `cursor` to get the
         *     next; it is `null` on the last page.
         */
        get: operations["listUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description The access token (a JWT).
         * @example eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjIwMjYtMDEifQ.eyJzdWIiOiI2NjVmMWMyYTllNGIzYzAwMTJhYmNkZWYiLCJzaWQiOiI2NjVmMWMyYTllNGIzYzAwMTJhYmNkMDEiLCJpYXQiOjE3Njk4NjA4MDAsImV4cCI6MTc2OTg2MTcwMCwiaXNzIjoiaHR0cHM6Ly9hYmMxMjNkZWZnLmV4ZWN1dGUtYXBpLmV1LXdlc3QtMS5hbWF6b25hd3MuY29tL3Byb2QiLCJhdWQiOiJhdXRoLWFwaS1wcm9kLWFwaSIsImp0aSI6IjNmMmI4YzFlLTZhNGQtNGU4Zi05YjdhLTJjNWQxZTBmNGE2YiJ9.1tRMaZTwNJsR2Olt_VHR1TIkRfMyYAjLHbMJtaGEbJEOQhaK26TRQvXqABzXKH9tNRfERLHNOMgtmosYuYNuaQ
         */
        AccessToken: string;
        /**
         * @description Always `true`; kept for clients of the original API.
         * @enum {boolean}
         */
        AuthFlag: true;
        AuthToken: {
            auth: components["schemas"]["AuthFlag"];
            expiresIn: components["schemas"]["ExpiresIn"];
            refreshExpiresIn: components["schemas"]["RefreshExpiresIn"];
            refreshToken: components["schemas"]["RefreshToken"];
            token: components["schemas"]["AccessToken"];
            tokenType: components["schemas"]["TokenType"];
        };
        ChangePasswordRequest: {
            currentPassword: components["schemas"]["Password"];
            newPassword: components["schemas"]["NewPassword"];
        };
        DeleteAccountRequest: {
            password: components["schemas"]["Password"];
        };
        /**
         * Format: email
         * @description An email address as stored, trimmed and lower-cased.
         * @example ada@example.com
         */
        Email: string;
        EmailAccepted: {
            /**
             * @description Always true.
             * @enum {boolean}
             */
            accepted: true;
            /** @description What happens next, for a person to read. */
            detail: string;
        };
        /**
         * @description An email address as typed. Surrounding whitespace is removed and letters are
         *     lower-cased before it is stored or compared, so ` Ada@Example.com ` and
         *     `ada@example.com` are the same account. At most 254 characters as sent.
         * @example ada@example.com
         */
        EmailInput: string;
        /**
         * @description Whether the user has confirmed their email address with a verification link.
         * @example false
         */
        EmailVerified: boolean;
        /**
         * Format: int32
         * @description Seconds until the access token expires.
         * @example 900
         */
        ExpiresIn: number;
        FieldError: {
            /**
             * @description What is wrong with it.
             * @example must be an email address
             */
            message: string;
            /**
             * @description A JSON Pointer to the failing field (`/email`), or the query parameter (`limit`).
             * @example /email
             */
            path: string;
        };
        ForgotPasswordRequest: {
            email: components["schemas"]["EmailInput"];
        };
        /**
         * Format: uri
         * @description An absolute URL (https in AWS; http only on a local run).
         * @example https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod
         */
        HttpsUrl: string;
        /** @description An ECDSA P-256 public key (RFC 7518 §6.2) that verifies ES256 signatures. */
        Jwk: {
            /** @enum {string} */
            alg: "ES256";
            /** @enum {string} */
            crv: "P-256";
            /**
             * @description The key's id, as the `kid` header of the tokens it signed names it.
             * @example 2026-01
             */
            kid: string;
            /** @enum {string} */
            kty: "EC";
            /** @enum {string} */
            use: "sig";
            x: components["schemas"]["JwkCoordinate"];
            y: components["schemas"]["JwkCoordinate"];
        };
        /**
         * @description A point coordinate, 32 bytes in base64url.
         * @example gIMx8QhBsYbyNen_TwFwxIi3hj_03yVkc2dvCYLROTE
         */
        JwkCoordinate: string;
        /** @description A JSON Web Key Set (RFC 7517 §5). */
        Jwks: {
            keys: components["schemas"]["Jwk"][];
        };
        /**
         * @description The token from an emailed link (the `token` query parameter), as it is. Links
         *     carry 256 random bits (43 characters); anything else is answered
         *     `invalid-token` rather than a validation error.
         * @example 1nmSgH0L3zVbOdQ3b9r0Z5yJ1kGJt3wq2G9x8cQm2Yw
         */
        LinkToken: string;
        LoginRequest: {
            email: components["schemas"]["EmailInput"];
            password: components["schemas"]["Password"];
        };
        LogoutRequest: {
            refreshToken: components["schemas"]["RefreshTokenInput"];
        };
        /**
         * Format: password
         * @description At least 8 characters, and at most 72 **bytes** of UTF-8: bcrypt reads no
         *     further, so a longer password is refused with a 400 rather than silently
         *     cut. 72 ASCII characters fit; with accents or emoji, fewer do. Passwords
         *     are put in Unicode NFKC before they are hashed or compared, and the byte
         *     limits apply to that form. There are no rules about character classes, but a
         *     password is refused (400, naming the field) when it is one of the most common
         *     or breached passwords, or contains the user's name or the part of their
         *     email address before the @.
         */
        NewPassword: string;
        /** @description Discovery metadata (OpenID Connect Discovery 1.0, section 3), limited to what verifying a token needs. */
        OpenIdConfiguration: {
            /** @description The claims of an access token. */
            claims_supported: string[];
            /** @description The algorithm of every token. */
            id_token_signing_alg_values_supported: "ES256"[];
            issuer: components["schemas"]["HttpsUrl"];
            jwks_uri: components["schemas"]["HttpsUrl"];
            /** @description `sub` is the user id, the same for every client. */
            subject_types_supported: "public"[];
        };
        /**
         * Format: password
         * @description The user's password. At most 72 **bytes** of UTF-8 (no password can be
         *     longer), so a longer one is refused with a 400. Compared in Unicode NFKC,
         *     so a password typed in composed or decomposed form is the same password.
         */
        Password: string;
        /** @description An RFC 9457 problem. */
        Problem: {
            /** @description What went wrong with this request. */
            detail: string;
            /** @description For validation problems, one entry per failing field. */
            errors?: components["schemas"]["FieldError"][];
            /** @description The path that was requested. */
            instance?: string;
            /** @description The id of the request, as in the `x-amzn-RequestId` header (and `X-Request-Id` on answers from the functions). */
            requestId?: string;
            /**
             * Format: int32
             * @description The HTTP status code.
             */
            status: number;
            /**
             * @description A short summary of the kind of problem.
             * @example Your request is not valid
             */
            title: string;
            type: components["schemas"]["ProblemType"];
        };
        /**
         * @description Identifies the kind of problem; stable, safe to switch on.
         *
         *     - `validation`: a field or parameter is invalid (`errors` names each)
         *     - `malformed-json`: the body is not JSON, not UTF-8, or empty
         *     - `unsupported-media-type`: the body is not sent as `application/json`
         *     - `payload-too-large`: the body is too large
         *     - `invalid-credentials`: the email or password is wrong
         *     - `unauthorized`: the access token is missing, malformed, expired or not ours
         *     - `forbidden`: the access token does not allow this request
         *     - `user-not-found`: the token's user no longer exists
         *     - `email-taken`: the email is already registered
         *     - `invalid-refresh-token`: the refresh token is unknown, expired, revoked or was already used
         *     - `session-not-found`: no such session of the user
         *     - `invalid-token`: the emailed link's token is unknown, used, expired or superseded
         *     - `email-not-verified`: the account's email must be verified before logging in
         *     - `email-already-verified`: the email is verified already; there is nothing to send
         *     - `not-found`: no such route
         *     - `throttled`: too many requests
         *     - `too-many-attempts`: too many failed logins for this account, or too many
         *       attempts from this address; retry after `Retry-After` seconds
         *     - `internal`: a failure on our side (quote `requestId`)
         *     - `unavailable`: a dependency is down; retry after `Retry-After`
         *     - `bad-gateway`: the function failed or answered badly (quote `requestId`)
         *     - `timeout`: the request took too long
         * @example urn:auth-api:problem:validation
         * @enum {string}
         */
        ProblemType: "urn:auth-api:problem:validation" | "urn:auth-api:problem:malformed-json" | "urn:auth-api:problem:unsupported-media-type" | "urn:auth-api:problem:payload-too-large" | "urn:auth-api:problem:invalid-credentials" | "urn:auth-api:problem:unauthorized" | "urn:auth-api:problem:forbidden" | "urn:auth-api:problem:user-not-found" | "urn:auth-api:problem:email-taken" | "urn:auth-api:problem:invalid-refresh-token" | "urn:auth-api:problem:session-not-found" | "urn:auth-api:problem:invalid-token" | "urn:auth-api:problem:email-not-verified" | "urn:auth-api:problem:email-already-verified" | "urn:auth-api:problem:not-found" | "urn:auth-api:problem:throttled" | "urn:auth-api:problem:too-many-attempts" | "urn:auth-api:problem:internal" | "urn:auth-api:problem:unavailable" | "urn:auth-api:problem:bad-gateway" | "urn:auth-api:problem:timeout";
        PublicUser: {
            createdAt: components["schemas"]["Timestamp"];
            id: components["schemas"]["UserId"];
            name: components["schemas"]["UserName"];
        };
        /**
         * Format: int32
         * @description Seconds until the session ends even if it keeps being refreshed. It also
         *     ends after `SESSION_IDLE_TTL` (7 days by default) without a refresh.
         * @example 2592000
         */
        RefreshExpiresIn: number;
        RefreshRequest: {
            refreshToken: components["schemas"]["RefreshTokenInput"];
        };
        /**
         * @description An opaque refresh token (256 random bits). Keep it secret, send it only to
         *     `POST /token/refresh` and `POST /logout`; each one works once.
         * @example GU7l80OJ5uPWlwBC_HEr-yHn-u5rpZ4vmzVsB_4jVUk
         */
        RefreshToken: string;
        /**
         * @description A refresh token as the API returned it. Any other string is answered as an
         *     unknown token (401), not as a validation error, so nothing is learned from
         *     its shape.
         * @example GU7l80OJ5uPWlwBC_HEr-yHn-u5rpZ4vmzVsB_4jVUk
         */
        RefreshTokenInput: string;
        RegisterRequest: {
            email: components["schemas"]["EmailInput"];
            name: components["schemas"]["UserName"];
            password: components["schemas"]["NewPassword"];
        };
        RegisterResponse: {
            auth: components["schemas"]["AuthFlag"];
            expiresIn: components["schemas"]["ExpiresIn"];
            refreshExpiresIn: components["schemas"]["RefreshExpiresIn"];
            refreshToken: components["schemas"]["RefreshToken"];
            token: components["schemas"]["AccessToken"];
            tokenType: components["schemas"]["TokenType"];
            user: components["schemas"]["User"];
        };
        ResetPasswordRequest: {
            newPassword: components["schemas"]["NewPassword"];
            token: components["schemas"]["LinkToken"];
        };
        Session: {
            createdAt: components["schemas"]["Timestamp"];
            /** @description Whether this is the session of the access token making the request. */
            current: boolean;
            expiresAt: components["schemas"]["Timestamp"];
            id: components["schemas"]["SessionId"];
            /**
             * @description The client address the session started from.
             * @example 203.0.113.7
             */
            ipAddress: string;
            lastUsedAt: components["schemas"]["Timestamp"];
            /**
             * @description The `User-Agent` the session started with, printable ASCII, cut to 256 characters.
             * @example Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0
             */
            userAgent: string;
        };
        /**
         * @description A session's id.
         * @example 665f1c2a9e4b3c0012abcd01
         */
        SessionId: string;
        SessionList: {
            items: components["schemas"]["Session"][];
        };
        /**
         * Format: date-time
         * @description An instant in UTC, RFC 3339.
         * @example 2026-01-31T12:00:00.000Z
         */
        Timestamp: string;
        /**
         * @description How to send the token, in the `Authorization` header.
         * @enum {string}
         */
        TokenType: "Bearer";
        User: {
            createdAt: components["schemas"]["Timestamp"];
            email: components["schemas"]["Email"];
            emailVerified: components["schemas"]["EmailVerified"];
            id: components["schemas"]["UserId"];
            name: components["schemas"]["UserName"];
        };
        /**
         * @description The user's id.
         * @example 665f1c2a9e4b3c0012abcdef
         */
        UserId: string;
        /**
         * @description The user's display name: 1 to 100 characters (Unicode code points, as JSON
         *     Schema counts them; an emoji is one). Shown publicly, so it must contain a
         *     visible character and may not contain control characters, line or paragraph
         *     separators or bidirectional controls (U+202A to U+202E, U+2066 to U+2069).
         *     Surrounding whitespace is removed and the name is stored in Unicode NFC; a
         *     name whose NFC form is longer than 100 characters is refused.
         * @example Ada Lovelace
         */
        UserName: string;
        UserPage: {
            items: components["schemas"]["PublicUser"][];
            /** @description Pass as `cursor` to get the next page; `null` on the last page. */
            nextCursor: string | null;
        };
        VerifyEmailRequest: {
            token: components["schemas"]["LinkToken"];
        };
    };
    responses: {
        /** @description The function failed or gave an invalid answer; quote the `requestId` when you report it. */
        BadGateway: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "x-amzn-RequestId": components["headers"]["x-amzn-RequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:bad-gateway",
                 *       "title": "Bad gateway",
                 *       "status": 502,
                 *       "detail": "The request failed; try again (request id: 0b9c6f2e-2f4e-4f3e-9f51-6d1f2e3a4b5c)",
                 *       "requestId": "0b9c6f2e-2f4e-4f3e-9f51-6d1f2e3a4b5c"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request is malformed or a field is invalid; `errors` names each field. */
        BadRequest: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:validation",
                 *       "title": "Your request is not valid",
                 *       "status": 400,
                 *       "detail": "1 field is invalid",
                 *       "errors": [
                 *         {
                 *           "path": "/email",
                 *           "message": "must be an email address"
                 *         }
                 *       ]
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description A field is invalid (`validation`, `errors` names each), or the link's token is
         *     unknown, used, expired or superseded (`invalid-token`).
         */
        BadRequestOrInvalidToken: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Accepted. If there is someone to send the email to, it is on its way; the
         *     answer does not say whether there is.
         */
        EmailAccepted: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "accepted": true,
                 *       "detail": "If an account uses this email, a message is on its way to it"
                 *     }
                 */
                "application/json": components["schemas"]["EmailAccepted"];
            };
        };
        /** @description The user's email is verified already; no email is sent. */
        EmailAlreadyVerified: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:email-already-verified",
                 *       "title": "Email already verified",
                 *       "status": 409,
                 *       "detail": "Your email address is verified already"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The email and password are right, but this API requires a verified email
         *     before logging in (`email-not-verified`): follow the link in the verification
         *     email first. API Gateway's own refusals of a request (a web ACL's block) are
         *     `forbidden`.
         */
        EmailNotVerified: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "x-amzn-RequestId": components["headers"]["x-amzn-RequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:email-not-verified",
                 *       "title": "Email not verified",
                 *       "status": 403,
                 *       "detail": "Verify your email address with the link we sent before logging in"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description A user with this email is already registered. */
        EmailTaken: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:email-taken",
                 *       "title": "Email already registered",
                 *       "status": 409,
                 *       "detail": "A user with this email is already registered"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The access token does not allow this request. */
        Forbidden: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "x-amzn-RequestId": components["headers"]["x-amzn-RequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:forbidden",
                 *       "title": "Forbidden",
                 *       "status": 403,
                 *       "detail": "The access token does not allow this request"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request took too long; it is safe to retry reads, and to retry writes after checking their effect. */
        GatewayTimeout: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "x-amzn-RequestId": components["headers"]["x-amzn-RequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:timeout",
                 *       "title": "Gateway timeout",
                 *       "status": 504,
                 *       "detail": "The request took too long; try again",
                 *       "requestId": "0b9c6f2e-2f4e-4f3e-9f51-6d1f2e3a4b5c"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Something failed on our side; quote the `requestId` when you report it. */
        InternalError: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "x-amzn-RequestId": components["headers"]["x-amzn-RequestId"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:internal",
                 *       "title": "Internal error",
                 *       "status": 500,
                 *       "detail": "Internal error (request id: 0b9c6f2e-2f4e-4f3e-9f51-6d1f2e3a4b5c)",
                 *       "requestId": "0b9c6f2e-2f4e-4f3e-9f51-6d1f2e3a4b5c"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The email or password is wrong (which one is not said). */
        InvalidCredentials: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:invalid-credentials",
                 *       "title": "Invalid credentials",
                 *       "status": 401,
                 *       "detail": "The email or password is incorrect"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The refresh token is unknown, malformed, expired, revoked or was already used (which is not said). */
        InvalidRefreshToken: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:invalid-refresh-token",
                 *       "title": "Invalid refresh token",
                 *       "status": 401,
                 *       "detail": "The refresh token is not valid; log in again"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Done; there is nothing to return. */
        NoContent: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content?: never;
        };
        /** @description The request body is larger than 64 KB. */
        PayloadTooLarge: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "x-amzn-RequestId": components["headers"]["x-amzn-RequestId"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:payload-too-large",
                 *       "title": "Request body too large",
                 *       "status": 413,
                 *       "detail": "The request body must be at most 65536 bytes"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description A dependency (the database) is unreachable; retry after the given time. */
        ServiceUnavailable: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "Retry-After": components["headers"]["Retry-After"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:unavailable",
                 *       "title": "Service unavailable",
                 *       "status": 503,
                 *       "detail": "The service is temporarily unavailable; try again shortly"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The user has no live session with this id. */
        SessionNotFound: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:session-not-found",
                 *       "title": "Session not found",
                 *       "status": 404,
                 *       "detail": "You have no live session with this id"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Too many requests; slow down and retry after the given time. API Gateway's
         *     throttle answers `throttled`. Login, registration, token refresh and the
         *     password check of `PUT /me/password` and `DELETE /me` also answer
         *     `too-many-attempts`: after repeated wrong passwords for one account (whether or
         *     not it exists), or too many failed logins, registrations or refreshes from one
         *     address; even correct credentials are refused until `Retry-After` has passed.
         *     So do the email operations, after too many emails asked for one address or
         *     from one client, and too many link tokens from one client that did not work.
         */
        TooManyRequests: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "Retry-After": components["headers"]["Retry-After"];
                "x-amzn-RequestId": components["headers"]["x-amzn-RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The access token is missing, malformed, expired or not ours. */
        Unauthorized: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                "x-amzn-RequestId": components["headers"]["x-amzn-RequestId"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:unauthorized",
                 *       "title": "Unauthorized",
                 *       "status": 401,
                 *       "detail": "A valid access token is required"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The access token is missing, malformed, expired or its session has ended
         *     (`unauthorized`), or the password given is wrong (`invalid-credentials`).
         */
        UnauthorizedOrWrongPassword: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is not sent as `application/json`. */
        UnsupportedMediaType: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:unsupported-media-type",
                 *       "title": "Unsupported media type",
                 *       "status": 415,
                 *       "detail": "Send the body as JSON with Content-Type application/json"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The token is valid but its user no longer exists. */
        UserGone: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:user-not-found",
                 *       "title": "User not found",
                 *       "status": 404,
                 *       "detail": "The user this token was issued to no longer exists"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description The origin allowed to read the response (CORS), as configured for the deployment. */
        "Access-Control-Allow-Origin": string;
        /** @description How long the document may be cached, by anyone: it is public and changes only with a deployment. */
        "Cache-Control": string;
        /** @description Seconds to wait before trying again. */
        "Retry-After": number;
        /** @description How to authenticate (RFC 6750 §3): send a Bearer token in the `Authorization` header. */
        "WWW-Authenticate": string;
        /** @description API Gateway's id of this request, on every response, those it produces itself included; the same id as `X-Request-Id` and the problem's `requestId`. Quote it when you report a problem. */
        "x-amzn-RequestId": string;
        /** @description The id of this request, sent by the API's functions; quote it when you report a problem. Responses API Gateway produces itself (a token refused before any function runs, throttling, a body over 10 MB, a function that failed or took too long) do not carry it: read `x-amzn-RequestId`, which holds the same id. */
        "X-Request-Id": string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getJwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The live signing keys. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Jwks"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getOpenIdConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The issuer and where its keys are. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenIdConfiguration"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    verifyEmail: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VerifyEmailRequest"];
            };
        };
        responses: {
            204: components["responses"]["NoContent"];
            400: components["responses"]["BadRequestOrInvalidToken"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description The credentials are valid; the token is ready to use. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthToken"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["InvalidCredentials"];
            403: components["responses"]["EmailNotVerified"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LogoutRequest"];
            };
        };
        responses: {
            204: components["responses"]["NoContent"];
            400: components["responses"]["BadRequest"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user the token belongs to. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["UserGone"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    deleteMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeleteAccountRequest"];
            };
        };
        responses: {
            204: components["responses"]["NoContent"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["UnauthorizedOrWrongPassword"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    sendEmailVerification: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: components["responses"]["EmailAccepted"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["UserGone"];
            409: components["responses"]["EmailAlreadyVerified"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePasswordRequest"];
            };
        };
        responses: {
            204: components["responses"]["NoContent"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["UnauthorizedOrWrongPassword"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    listSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The live sessions, newest first. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    revokeAllSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["NoContent"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    revokeSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The `id` of a session from `GET /me/sessions`. */
                sessionId: components["schemas"]["SessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["NoContent"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["SessionNotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    forgotPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ForgotPasswordRequest"];
            };
        };
        responses: {
            202: components["responses"]["EmailAccepted"];
            400: components["responses"]["BadRequest"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    resetPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResetPasswordRequest"];
            };
        };
        responses: {
            204: components["responses"]["NoContent"];
            400: components["responses"]["BadRequestOrInvalidToken"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterRequest"];
            };
        };
        responses: {
            /** @description The user was created; the token is ready to use. */
            201: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegisterResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            409: components["responses"]["EmailTaken"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    refreshToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description A new access token and a new refresh token; the old refresh token is used up. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthToken"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["InvalidRefreshToken"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    listUsers: {
        parameters: {
            query?: {
                /**
                 * @description The `nextCursor` of the previous page. Opaque; do not build it yourself.
                 * @example AQAAAZwT7J4AZl8cKp5LPAASq83v
                 */
                cursor?: string;
                /**
                 * @description Page size.
                 * @example 20
                 */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of users. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
}
