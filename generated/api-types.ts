// Generated from openapi.yaml by scripts/generate.ts. Do not edit.
export interface paths {
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
        AuthToken: {
            /**
             * @description Always `true`; kept for clients of the original API.
             * @enum {boolean}
             */
            auth: true;
            /**
             * Format: int32
             * @description Seconds until the token expires.
             */
            expiresIn: number;
            /** @description The access token (a JWT). */
            token: string;
            /**
             * @description How to send the token, in the `Authorization` header.
             * @enum {string}
             */
            tokenType: "Bearer";
        };
        /**
         * Format: email
         * @description An email address; compared case-insensitively after trimming.
         * @example ada@example.com
         */
        Email: string;
        FieldError: {
            /**
             * @description What is wrong with it.
             * @example must match format "email"
             */
            message: string;
            /**
             * @description A JSON Pointer to the failing field (`/email`), or the query parameter (`limit`).
             * @example /email
             */
            path: string;
        };
        LoginRequest: {
            email: components["schemas"]["Email"];
            /**
             * Format: password
             * @description The password given at registration.
             */
            password: string;
        };
        /** @description An RFC 9457 problem. */
        Problem: {
            /** @description What went wrong with this request. */
            detail: string;
            /** @description For validation problems, one entry per failing field. */
            errors?: components["schemas"]["FieldError"][];
            /** @description The path that was requested. */
            instance?: string;
            /** @description The id of the request, as in the `X-Request-Id` header. */
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
            /**
             * Format: uri-reference
             * @description Identifies the kind of problem; stable, safe to switch on.
             * @example urn:auth-api:problem:validation
             */
            type: string;
        };
        PublicUser: {
            createdAt: components["schemas"]["Timestamp"];
            id: components["schemas"]["UserId"];
            name: components["schemas"]["UserName"];
        };
        RegisterRequest: {
            email: components["schemas"]["Email"];
            name: components["schemas"]["UserName"];
            /**
             * Format: password
             * @description 8 to 72 bytes of UTF-8. Longer passwords are refused rather than silently cut.
             */
            password: string;
        };
        RegisterResponse: {
            auth: components["schemas"]["AuthToken"]["auth"];
            expiresIn: components["schemas"]["AuthToken"]["expiresIn"];
            token: components["schemas"]["AuthToken"]["token"];
            tokenType: components["schemas"]["AuthToken"]["tokenType"];
            user: components["schemas"]["User"];
        };
        /**
         * Format: date-time
         * @description An instant in UTC, RFC 3339.
         * @example 2026-01-31T12:00:00.000Z
         */
        Timestamp: string;
        User: {
            createdAt: components["schemas"]["Timestamp"];
            email: components["schemas"]["Email"];
            id: components["schemas"]["UserId"];
            name: components["schemas"]["UserName"];
        };
        /**
         * @description The user's id.
         * @example 665f1c2a9e4b3c0012abcdef
         */
        UserId: string;
        /**
         * @description The user's display name, 1 to 100 characters after trimming.
         * @example Ada Lovelace
         */
        UserName: string;
        UserPage: {
            items: components["schemas"]["PublicUser"][];
            /** @description Pass as `cursor` to get the next page; `null` on the last page. */
            nextCursor: string | null;
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
                 *           "message": "must match format \"email\""
                 *         }
                 *       ]
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
        /** @description Too many requests; slow down and retry after the given time. */
        TooManyRequests: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                "Retry-After": components["headers"]["Retry-After"];
                "x-amzn-RequestId": components["headers"]["x-amzn-RequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:auth-api:problem:throttled",
                 *       "title": "Too many requests",
                 *       "status": 429,
                 *       "detail": "Too many requests; try again later"
                 *     }
                 */
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
    listUsers: {
        parameters: {
            query?: {
                /**
                 * @description The `nextCursor` of the previous page. Opaque; do not build it yourself.
                 * @example eyJjIjoiMjAyNi0wMS0zMVQxMjowMDowMC4wMDBaIiwiaSI6IjY2NWYxYzJhOWU0YjNjMDAxMmFiY2RlZiJ9
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
