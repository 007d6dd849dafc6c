import { z } from "zod";
import { LOCALES } from "../lib/locale";
import { isWebhookEventType, WEBHOOK_EVENTS } from "../webhooks/events";
import { isWebhookSecret } from "../webhooks/secret";
import { parseTrustProxy, TRUST_PROXY_FORMS, type TrustProxy } from "./trust-proxy";

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();

// The original service's DATABASE_URL used SQLAlchemy's driver suffix; postgres.js wants plain postgres://.
const databaseUrl = z
  .string()
  .regex(/^postgres(ql)?(\+\w+)?:\/\//, "must be a postgres:// or postgresql:// URL")
  .transform((url) => url.replace(/^postgres(ql)?(\+\w+)?:\/\//, "postgres://"));

const commaList = z.string().transform((value) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean),
);

// The page compares these with URL.origin and its CSP lists them: scheme://host[:port] only, which also keeps
// quotes and angle brackets out of the meta tag they are written into.
const apiOrigins = commaList
  .refine(
    (list) => list.every((item) => /^https?:\/\/[^/?#@\s"'<>]+\/?$/i.test(item) && URL.canParse(item)),
    "must be comma-separated http(s) origins (scheme://host[:port], no path)",
  )
  .transform((list) => [...new Set(list.map((item) => new URL(item).origin))]);

// Redis Cluster seed nodes and Sentinels: host:port, the host a name, an IPv4 address or a [bracketed] IPv6 one.
const hostPort = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;
const parseHostPort = (item: string) => {
  const match = hostPort.exec(item);
  const port = Number(match?.[2]);
  return match && port >= 1 && port <= 65535 ? { host: match[1]!.replace(/^\[(.*)\]$/, "$1"), port } : null;
};
const redisNodes = commaList
  .refine(
    (list) => list.length > 0 && list.every((item) => parseHostPort(item) !== null),
    "must be comma-separated host:port pairs (an IPv6 host in [brackets])",
  )
  .transform((list) => list.map((item) => parseHostPort(item)!));

// OAuth redirect URIs: a comma list, the first one the default; a client may only pick one of these.
const redirectUris = commaList.refine(
  (list) => list.length > 0 && list.every((item) => URL.canParse(item) && /^https?:$/.test(new URL(item).protocol) && !item.includes("#")),
  "must be comma-separated http(s) URLs without a #fragment",
);

// Provider endpoints carry client secrets and tokens: https, or plain http on loopback only (a local test provider).
const endpointUrl = (fallback: string) =>
  z
    .string()
    .refine(
      (value) =>
        URL.canParse(value) &&
        (new URL(value).protocol === "https:" ||
          (new URL(value).protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(new URL(value).hostname))),
      "must be an https:// URL (http:// only on 127.0.0.1 or localhost)",
    )
    .default(fallback);

// Where clients reach the service; only its scheme is used so far (https turns HSTS on).
const publicUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), "must be an http:// or https:// URL")
  .transform((value) => value.replace(/\/+$/, ""));

// A request budget: at least one, and small enough that Redis's counters and the headers stay sane.
const limit = positiveInt.max(1_000_000);

// TRUST_PROXY: a number of proxies (`true` one, `false` none), or the proxies' addresses and CIDRs.
const trustProxy = z.string().transform((value, context): TrustProxy => {
  const parsed = parseTrustProxy(value);
  if (parsed === null) context.addIssue({ code: "custom", message: TRUST_PROXY_FORMS });
  return parsed ?? 0;
});

/** Every variable the service reads. The README's configuration table is checked against this list. */
export const envSchema = z.object({
  NODE_ENV: z
    .enum(["development", "production", "test"])
    .default("development")
    .describe("`production` requires a strong SECRET_KEY and real SMTP (the development mail catcher is refused)."),
  HOST: z
    .string()
    .min(1)
    .default("0.0.0.0")
    .describe("Interface to listen on; 127.0.0.1 whatever this says while the development mail catcher is active."),
  PUBLIC_URL: publicUrl
    .optional()
    .describe("The service's public base URL (http:// or https://), as clients reach it; an https:// one turns on HSTS."),
  PORT: port.default(8000).describe("Port to listen on."),
  DATABASE_URL: databaseUrl
    .optional()
    .describe("PostgreSQL URL; the original's `postgresql+asyncpg://` form is accepted. Unset: embedded PostgreSQL (PGlite) in DATA_DIR."),
  // 4, not postgres.js's 10: on 2 cores fewer backends each pipelining more queries did more with less CPU
  // (see README, Benchmarks); postgres.js keeps up to 100 queries in flight on one connection.
  DATABASE_POOL_SIZE: positiveInt.max(100).default(4).describe("PostgreSQL connections per instance."),
  WORKERS: positiveInt
    .max(256)
    .optional()
    .describe(
      "Server processes sharing PORT under one supervisor; default: the number of cores in production, else 1. Needs DATABASE_URL, Redis and SMTP_SERVER (the embedded defaults run one process).",
    ),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional()
    .describe(
      "Redis URL for codes, send limits and OAuth states. Unset (and no cluster or Sentinels): an in-process store (one instance only).",
    ),
  REDIS_KEY_PREFIX: z.string().max(64).default("otp-auth:").describe("Prefix of every Redis key."),
  REDIS_CLUSTER_NODES: redisNodes
    .optional()
    .describe("Redis Cluster instead of REDIS_URL: comma-separated host:port of a few of its nodes (the others are discovered)."),
  REDIS_SENTINELS: redisNodes
    .optional()
    .describe("Redis Sentinel instead of REDIS_URL: comma-separated host:port of the Sentinels; with REDIS_SENTINEL_NAME."),
  REDIS_SENTINEL_NAME: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe("Name of the master the Sentinels watch (their `sentinel monitor <name> ...`)."),
  REDIS_PASSWORD: z
    .string()
    .max(512)
    .optional()
    .describe("Password of the cluster nodes, or of the servers behind the Sentinels (REDIS_URL carries its own)."),
  REDIS_TLS: z.stringbool().default(false).describe("`true`: TLS to the cluster nodes (REDIS_URL: use rediss://)."),
  SECRET_KEY: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Keys the code and refresh-token hashes and encrypts the stored signing keys (signs access tokens under HS256). At least 32 characters in production. Unset outside production: generated once and kept in DATA_DIR.",
    ),
  DATA_DIR: z.string().min(1).default("./data").describe("Folder of the embedded PostgreSQL and of the generated development SECRET_KEY."),
  ACCESS_TOKEN_EXPIRE_MINUTES: positiveInt.max(1440).default(30).describe("Access token lifetime (at most a day)."),
  JWT_ALGORITHM: z
    .enum(["EdDSA", "ES256", "HS256"])
    .default("EdDSA")
    .describe(
      "How access tokens are signed: `EdDSA` (Ed25519) or `ES256` with a key published at /.well-known/jwks.json, or `HS256` with SECRET_KEY (nothing published; for deployments that verify with the shared secret).",
    ),
  JWT_SIGNING_KEY: z
    .string()
    .min(1)
    .optional()
    .describe(
      "A private key (PKCS#8 PEM or JWK) of JWT_ALGORITHM to sign with, instead of the keys generated and kept (encrypted) in the database.",
    ),
  JWT_AUDIENCE: z.string().min(1).max(256).default("otp-auth").describe("The access tokens' `aud` claim; verifiers should check it."),
  JWKS_CACHE_SECONDS: positiveInt
    .max(86400)
    .default(300)
    .describe("How long verifiers may cache the JWKS (its Cache-Control max-age); a rotated key is published this long before it signs."),
  JWT_KEY_REFRESH_SECONDS: positiveInt
    .max(3600)
    .default(60)
    .describe("How often an instance re-reads the signing keys from the database (to publish and use keys another instance rotated in)."),
  OTP_RECHECK_MINUTES: positiveInt
    .optional()
    .describe(
      "Age of the last code check (or OAuth sign-in) after which login and refresh ask for a new code; default ACCESS_TOKEN_EXPIRE_MINUTES.",
    ),
  REFRESH_TOKEN_EXPIRE_DAYS: positiveInt
    .max(365)
    .default(30)
    .describe("A session ends when its refresh token has not been used for this many days."),
  OTP_LENGTH: z.coerce.number().int().min(4).max(10).default(6).describe("Digits per code (4-10)."),
  OTP_EXPIRE_SECONDS: positiveInt.default(120).describe("How long a code stays valid."),
  OTP_MAX_ATTEMPTS: positiveInt.max(100).default(5).describe("Wrong tries after which a code is dead."),
  OTP_RESEND_COOLDOWN_SECONDS: z.coerce.number().int().min(0).default(60).describe("Minimum wait between two codes mailed to one address."),
  OTP_MAX_SENDS_PER_HOUR: positiveInt
    .default(10)
    .describe(
      "Codes mailed to one address per hour at most, counted apart for codes anyone can request (register, resend, forgot) and for login re-checks.",
    ),
  OTP_MAX_FAILURES_PER_WINDOW: positiveInt
    .max(1000)
    .default(25)
    .describe(
      "Wrong codes per address and purpose within OTP_FAILURE_WINDOW_HOURS, over all codes, before that purpose's codes are refused until the window ends (re-check codes entered with their otp_token are counted apart).",
    ),
  OTP_FAILURE_WINDOW_HOURS: positiveInt
    .max(720)
    .default(24)
    .describe("The window of OTP_MAX_FAILURES_PER_WINDOW, from the first wrong code."),
  HIDE_ACCOUNT_EXISTENCE: z
    .stringbool()
    .default(false)
    .describe(
      "Answer register, resend, verify, login and forgot alike whether or not an address has an account (mails go after the answer).",
    ),
  CODE_SIGN_IN_CREATES_ACCOUNTS: z
    .stringbool()
    .default(false)
    .describe(
      "`true`: a code sign-in (POST /auth/code/sign-in) of an address with no account creates one, verified and without a password; `false`: such an address gets no code and no account.",
    ),
  ACCOUNT_DELETION_GRACE_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .max(90)
    .default(7)
    .describe(
      "Days between a person asking to delete their account (POST /auth/account/delete) and the deletion; signing in, or the notice's code, cancels it meanwhile. 0: at the job's next run.",
    ),
  EMAIL_CHANGE_CANCEL_HOURS: positiveInt
    .max(720)
    .default(72)
    .describe(
      "How long after a change of email is asked for the old address may cancel it with the code of its notice, before or after the switch.",
    ),
  SMTP_SERVER: z
    .string()
    .min(1)
    .optional()
    .describe("SMTP host. Unset outside production: the built-in mail catcher (inbox at /dev/mailbox, loopback only)."),
  SMTP_PORT: port.default(587).describe("SMTP port."),
  SMTP_USERNAME: z.string().optional().describe("SMTP user; no authentication when empty."),
  SMTP_PASSWORD: z.string().optional().describe("SMTP password."),
  SMTP_SECURITY: z
    .enum(["starttls", "tls", "none"])
    .optional()
    .describe("`tls` (implicit), `starttls` (required upgrade) or `none`; default `tls` on port 465, else `starttls`."),
  SMTP_TIMEOUT_SECONDS: positiveInt.max(120).default(10).describe("Give up on an SMTP exchange after this long."),
  FROM_EMAIL: z.email().optional().describe("Sender address of the mails; required with SMTP_SERVER."),
  DEFAULT_LOCALE: z
    .enum(LOCALES)
    .default("en")
    .describe(
      `Language of a mail when neither the request (\`locale\`, Accept-Language) nor the account names one: ${LOCALES.join(", ")}.`,
    ),
  MAIL_TEMPLATES_DIR: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Folder of mail templates replacing the built-in ones (`<locale>/<template>.<subject|text|html>.liquid`); checked at start-up.",
    ),
  PASSWORD_MEMORY_KIB: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1048576)
    .default(19456)
    .describe("argon2id memory cost in KiB (OWASP baseline 19456)."),
  PASSWORD_TIME_COST: z.coerce.number().int().min(1).max(20).default(2).describe("argon2id iterations."),
  // No default here: it depends on NODE_ENV (see load.ts).
  CORS_ORIGINS: commaList
    .optional()
    .describe(
      "Comma-separated origins allowed to call the API from a browser. Unset outside production: http://127.0.0.1:5500 and http://localhost:5500; outside production the server's own http://127.0.0.1:PORT and http://localhost:PORT are added. In production only the listed ones.",
    ),
  PAGE_API_ORIGINS: apiOrigins
    .default([])
    .describe(
      "Comma-separated http(s) origins (scheme://host[:port]) besides its own that the served page may send sign-ins to when asked by ?api= or its meta tag; its CSP connect-src is 'self' plus these.",
    ),
  MAX_BODY_BYTES: positiveInt.max(1048576).default(16384).describe("Largest request body accepted."),
  TRUST_PROXY: trustProxy
    .default(0)
    .describe(
      "`false`: the client is the socket's address and X-Forwarded-For is ignored. A comma-separated list of the proxies' addresses and CIDRs (`loopback`, `private` shorthands): the header is believed only on connections from them, and the client is its rightmost entry that is not a listed proxy. `true` or a number N of proxies (believed from any peer): the client is the Nth entry from the right.",
    ),
  RATE_LIMIT_MAIL_PER_HOUR: limit
    .default(20)
    .describe("Requests per client IP per hour to routes that send mail (register, resend-otp, forgot, code send, email change)."),
  RATE_LIMIT_PASSWORD_PER_MINUTE: limit.default(20).describe("Requests per client IP per minute to routes that check a password (login)."),
  RATE_LIMIT_CODE_PER_MINUTE: limit.default(20).describe("Requests per client IP per minute to routes that check a code (verify-otp)."),
  RATE_LIMIT_OAUTH_PER_MINUTE: limit.default(30).describe("Requests per client IP per minute to the OAuth start and callback routes."),
  RATE_LIMIT_PASSKEY_PER_MINUTE: limit
    .default(30)
    .describe("Requests per client IP per minute to the passkey routes that issue or answer a challenge."),
  LOGIN_MAX_CONSECUTIVE_FAILURES: limit
    .default(5)
    .describe("Wrong passwords in a row for one address from one client IP before that pair is blocked."),
  LOGIN_BLOCK_SECONDS: positiveInt
    .max(86400)
    .default(60)
    .describe("The first block of an address + client IP pair; each further block doubles, up to LOGIN_BLOCK_MAX_SECONDS."),
  LOGIN_BLOCK_MAX_SECONDS: positiveInt.max(86400).default(3600).describe("The longest block of an address + client IP pair."),
  LOGIN_MAX_FAILURES_PER_IP_PER_DAY: limit
    .default(100)
    .describe("Wrong passwords from one client IP per day, over all addresses, before its logins are refused for the rest of the day."),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info").describe("Lowest level logged."),
  LOG_FORMAT: z
    .enum(["json", "pretty"])
    .optional()
    .describe("`json` (one JSON object a line) or `pretty` (readable lines); default `json` when NODE_ENV=production, else `pretty`."),
  METRICS_TOKEN: z
    .string()
    .min(16, "must be at least 16 characters")
    .max(256)
    .optional()
    .describe(
      "When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`; unset, /metrics answers only direct connections from loopback that carry no proxy header.",
    ),
  GOOGLE_CLIENT_ID: z
    .string()
    .max(512)
    .optional()
    .describe("Google OAuth client ID; Google sign-in is off until the three GOOGLE_ credentials are set."),
  GOOGLE_CLIENT_SECRET: z.string().max(512).optional().describe("Google OAuth client secret."),
  GOOGLE_REDIRECT_URI: redirectUris
    .optional()
    .describe("Comma-separated redirect URIs registered with Google; the first is the default, a client may only pick one of them."),
  GITHUB_CLIENT_ID: z
    .string()
    .max(512)
    .optional()
    .describe("GitHub OAuth app client ID; GitHub sign-in is off until the three GITHUB_ credentials are set."),
  GITHUB_CLIENT_SECRET: z.string().max(512).optional().describe("GitHub OAuth app client secret."),
  GITHUB_REDIRECT_URI: redirectUris
    .optional()
    .describe("Comma-separated callback URLs registered with GitHub; the first is the default, a client may only pick one of them."),
  OAUTH_STATE_TTL_SECONDS: positiveInt.max(3600).default(600).describe("How long an OAuth sign-in may take from start to callback."),
  GOOGLE_AUTHORIZE_URL: endpointUrl("https://accounts.google.com/o/oauth2/v2/auth").describe("Google authorization endpoint."),
  GOOGLE_TOKEN_URL: endpointUrl("https://oauth2.googleapis.com/token").describe("Google token endpoint."),
  GOOGLE_USERINFO_URL: endpointUrl("https://openidconnect.googleapis.com/v1/userinfo").describe("Google userinfo endpoint."),
  GITHUB_AUTHORIZE_URL: endpointUrl("https://github.com/login/oauth/authorize").describe(
    "GitHub authorization endpoint (GitHub Enterprise: https://HOST/login/oauth/authorize).",
  ),
  GITHUB_TOKEN_URL: endpointUrl("https://github.com/login/oauth/access_token").describe(
    "GitHub token endpoint (GitHub Enterprise: https://HOST/login/oauth/access_token).",
  ),
  GITHUB_API_URL: endpointUrl("https://api.github.com").describe("GitHub REST API root (GitHub Enterprise: https://HOST/api/v3)."),
  ADMIN_EMAIL: z
    .string()
    .min(1)
    .max(254)
    .optional()
    .describe(
      "User name of the admin API's HTTP Basic authentication; the admin API answers 503 until ADMIN_EMAIL and ADMIN_PASSWORD are set.",
    ),
  ADMIN_PASSWORD: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe("Password of the admin API (at least 16 characters in production, or whenever the server listens beyond loopback)."),
  ADMIN_SESSION_MINUTES: positiveInt
    .max(1440)
    .default(30)
    .describe(
      "How long after signing in an admin's bearer token is accepted by the admin API and console; then they sign in again (their session goes on elsewhere).",
    ),
  WEBHOOK_URL: z
    .string()
    .max(2048)
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), "must be an http:// or https:// URL")
    .optional()
    .describe(
      "Where to POST signed webhook events (any http(s) URL, loopback included); needs WEBHOOK_SECRET. More endpoints: the admin API.",
    ),
  WEBHOOK_SECRET: z
    .string()
    .refine(isWebhookSecret, "must be a Standard Webhooks secret: whsec_ followed by the base64 of 24 to 64 random bytes")
    .optional()
    .describe("The signing secret of WEBHOOK_URL, in Standard Webhooks' whsec_<base64> form."),
  WEBHOOK_EVENTS: commaList
    .refine(
      (list) => list.length > 0 && list.every(isWebhookEventType),
      `must be comma-separated event names: ${WEBHOOK_EVENTS.join(", ")}`,
    )
    .transform((list) => list.filter(isWebhookEventType))
    .optional()
    .describe("The events WEBHOOK_URL receives, comma-separated; unset: every event."),
  WEBHOOK_TIMEOUT_SECONDS: positiveInt.max(120).default(10).describe("Give up on one webhook attempt after this long."),
  WEBHOOK_RETRY_HOURS: z.coerce
    .number()
    .positive()
    .max(720)
    .default(24)
    .describe("How long failed webhook attempts are retried, with exponential back-off, before the delivery is marked failed."),
  WEBHOOK_RETRY_BASE_SECONDS: positiveInt
    .max(3600)
    .default(5)
    .describe("Wait before the first webhook retry; each further retry waits twice as long, up to an hour."),
});

export const PRODUCTION_SECRET_MIN_LENGTH = 32;

export type Env = z.infer<typeof envSchema>;
