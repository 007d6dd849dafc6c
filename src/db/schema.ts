import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, pgTable, text, timestamp, unique, uuid, varchar } from "drizzle-orm/pg-core";

export const users = pgTable(
  "users",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    // Always stored lower-cased (the check enforces it), so the unique constraint is case-insensitive.
    email: varchar({ length: 254 }).notNull().unique("users_email_key"),
    passwordHash: text("password_hash"),
    authProvider: varchar("auth_provider", { length: 32 }).notNull().default("local"),
    isActive: boolean("is_active").notNull().default(false),
    isVerified: boolean("is_verified").notNull().default(false),
    lastOtpVerifiedAt: timestamp("last_otp_verified_at", { withTimezone: true }),
    // Set by an administrator's disable and cleared only by their enable: no code or reset switches it back on.
    isDisabled: boolean("is_disabled").notNull().default(false),
    // False while the password may have been chosen by someone who never held the mailbox (a registration that
    // was verified without its otp_token): such a password always needs a code to sign in.
    passwordProven: boolean("password_proven").notNull().default(true),
    // Bumped whenever the password changes; a sign-in opens its session only if the version it checked is current.
    passwordVersion: integer("password_version").notNull().default(0),
    // "admin" or "user"; read on every admin request, so taking it back works on tokens already issued.
    role: varchar({ length: 16 }).$type<"admin" | "user">().notNull().default("user"),
    // The language the person last chose (en, de, fr, es); mails fall back to it when a request names none.
    locale: varchar({ length: 16 }),
    // The WebAuthn user handle of this person's passkeys: random, so it tells an authenticator nothing about them.
    passkeyHandle: varchar("passkey_handle", { length: 64 }).unique("users_passkey_handle_key"),
    // Set while the person's own deletion waits out its grace period; the deletion job removes the row after it.
    // On the row every sign-in reads anyway, so telling a sign-in that a deletion is pending costs no query.
    deletionDueAt: timestamp("deletion_due_at", { withTimezone: true }),
    // Keyed hash of the single-use token the deletion notice carries to cancel it.
    deletionCancelHash: varchar("deletion_cancel_hash", { length: 64 }).unique("users_deletion_cancel_hash_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check("users_email_lowercase", sql`${table.email} = lower(${table.email})`),
    // The deletion job's scan: only accounts with a deletion pending are in it.
    index("users_deletion_due_at_idx").on(table.deletionDueAt).where(sql`${table.deletionDueAt} is not null`),
  ],
);

export type User = typeof users.$inferSelect;

/**
 * One registration of a still unverified address: the password it chose, under the keyed hash of the
 * otp_token its answer carried. Verifying with that token gives the account this password; registrations by
 * others on the same address never overwrite it.
 */
export const registrations = pgTable(
  "registrations",
  {
    tokenHash: varchar("token_hash", { length: 64 }).primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    passwordHash: text("password_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (table) => [index("registrations_user_id_idx").on(table.userId)],
);

/** A Google or GitHub identity linked to a user; the provider's user id, never the email, identifies it. */
export const oauthAccounts = pgTable(
  "oauth_accounts",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    provider: varchar({ length: 32 }).notNull(),
    providerUserId: varchar("provider_user_id", { length: 255 }).notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // The provider's verified address when the link was made; later sign-ins go by provider_user_id.
    email: varchar({ length: 254 }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique("oauth_accounts_provider_user_key").on(table.provider, table.providerUserId),
    index("oauth_accounts_user_id_idx").on(table.userId),
  ],
);

/**
 * One signed-in device: the family of refresh tokens issued since a login. Only the current refresh token's
 * keyed hash is kept here; rotated ones move to `rotated_refresh_tokens`, so presenting one again is
 * recognised as reuse and ends the whole session.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid().primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    refreshTokenHash: varchar("refresh_token_hash", { length: 64 }).notNull().unique("sessions_refresh_token_hash_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    // The proof of the address that opened this session (a code, or an OAuth sign-in); with the user's
    // last code check it bounds how long refreshes may go on without a new code.
    verifiedAt: timestamp("verified_at", { withTimezone: true }).notNull(),
    userAgent: varchar("user_agent", { length: 512 }),
    ip: varchar({ length: 64 }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [index("sessions_user_id_idx").on(table.userId)],
);

export type Session = typeof sessions.$inferSelect;

/** Refresh tokens already exchanged for a new one: only kept to detect their reuse. */
export const rotatedRefreshTokens = pgTable(
  "rotated_refresh_tokens",
  {
    tokenHash: varchar("token_hash", { length: 64 }).primaryKey(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    rotatedAt: timestamp("rotated_at", { withTimezone: true }).notNull(),
  },
  (table) => [index("rotated_refresh_tokens_session_id_idx").on(table.sessionId)],
);

/** What happened, to whom, from where, and how it ended; never a password, code or token. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    event: varchar({ length: 64 }).notNull(),
    outcome: varchar({ length: 16 }).$type<"success" | "failure">().notNull(),
    // Kept when the user is deleted: the trail of what happened to an account outlives it.
    userId: integer("user_id"),
    email: varchar({ length: 254 }),
    ip: varchar({ length: 64 }),
    userAgent: varchar("user_agent", { length: 512 }),
    /** A stable reason code (e.g. `invalid_credentials`) or a short fact (e.g. the code's purpose). */
    detail: varchar({ length: 128 }),
  },
  (table) => [
    index("audit_events_user_id_idx").on(table.userId, table.id),
    index("audit_events_event_idx").on(table.event, table.id),
    // The console's activity charts count events per hour over a time range.
    index("audit_events_created_at_idx").on(table.createdAt, table.event),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;

/**
 * The keys that sign access tokens. Published in the JWKS from creation; one signs from `activates_at` until a
 * newer key activates, then stays published until the tokens it signed have expired.
 */
export const signingKeys = pgTable(
  "signing_keys",
  {
    kid: varchar({ length: 64 }).primaryKey(),
    algorithm: varchar({ length: 16 }).$type<"EdDSA" | "ES256">().notNull(),
    /** The public half as a JWK, exactly as the JWKS serves it. */
    publicJwk: text("public_jwk").notNull(),
    // Encrypted (AES-256-GCM) with a key derived from SECRET_KEY: a copy of this table alone signs nothing.
    privateKey: text("private_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    activatesAt: timestamp("activates_at", { withTimezone: true }).notNull(),
  },
  (table) => [index("signing_keys_activates_at_idx").on(table.activatesAt)],
);

export type SigningKeyRow = typeof signingKeys.$inferSelect;

/** Webhook endpoints added through the admin API (the one of WEBHOOK_URL lives in the configuration only). */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: uuid().primaryKey(),
  url: varchar({ length: 2048 }).notNull(),
  /** The events it receives; null: every event. */
  events: text().array(),
  // Encrypted (AES-256-GCM) with a key derived from SECRET_KEY: signing needs the secret itself, so no hash will do.
  secret: text().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The webhook outbox: one row per event and endpoint, written in the statement (or transaction) of the change
 * that caused it, so no event is lost with an instance. Workers claim due rows with FOR UPDATE SKIP LOCKED and
 * hold them until `locked_until`, after which another instance may take over one whose sender died.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** The `webhook-id` header: one per event, the same on every attempt, for receivers to deduplicate by. */
    messageId: varchar("message_id", { length: 64 }).notNull(),
    /** Null: the endpoint of WEBHOOK_URL. */
    endpointId: uuid("endpoint_id").references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventType: varchar("event_type", { length: 32 }).notNull(),
    /** The exact JSON body that is signed and sent. */
    payload: text().notNull(),
    status: varchar({ length: 16 }).$type<"pending" | "delivered" | "failed">().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    /** Retries go on until WEBHOOK_RETRY_HOURS after this: the event's creation, or an administrator's retry. */
    retryFrom: timestamp("retry_from", { withTimezone: true }).notNull().defaultNow(),
    /** The HTTP status of the last attempt; null when it got no answer. */
    lastStatus: integer("last_status"),
    lastError: varchar("last_error", { length: 256 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (table) => [
    index("webhook_deliveries_due_idx").on(table.nextAttemptAt).where(sql`status = 'pending'`),
    index("webhook_deliveries_endpoint_id_idx").on(table.endpointId, table.id),
  ],
);

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

/**
 * A user's authenticator app (TOTP). `secret` is sealed (lib/sealed-box) under a key derived from SECRET_KEY and
 * bound to the user id, so a copy of the table reveals no secret. `enabledAt` is null while the secret awaits its
 * first code (enrolled, not confirmed). `lastUsedStep` is the time step of the last accepted code: a code is
 * accepted only for a later step, which one conditional update decides, so a code works once.
 */
export const userMfa = pgTable("user_mfa", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  secret: text().notNull(),
  enabledAt: timestamp("enabled_at", { withTimezone: true }),
  lastUsedStep: bigint("last_used_step", { mode: "number" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Single-use recovery codes of the second factor, as keyed hashes; `usedAt` is set once, by a conditional update. */
export const mfaRecoveryCodes = pgTable(
  "mfa_recovery_codes",
  {
    codeHash: varchar("code_hash", { length: 64 }).primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (table) => [index("mfa_recovery_codes_user_id_idx").on(table.userId)],
);

/**
 * A passkey (WebAuthn credential) of a user. `id` is the credential ID (base64url) the authenticator returns;
 * `counter` only grows, and a sign-in whose counter does not grow past it is refused as a possible clone.
 */
export const passkeys = pgTable(
  "passkeys",
  {
    id: varchar({ length: 1024 }).primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    publicKey: text("public_key").notNull(),
    counter: bigint({ mode: "number" }).notNull().default(0),
    transports: varchar({ length: 128 }),
    deviceType: varchar("device_type", { length: 32 }).notNull(),
    backedUp: boolean("backed_up").notNull().default(false),
    name: varchar({ length: 64 }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (table) => [index("passkeys_user_id_idx").on(table.userId)],
);

export type Passkey = typeof passkeys.$inferSelect;

/**
 * A change of a user's email address, from the request to the end of the window in which the old address may
 * cancel it. `confirmedAt` is null while the code mailed to the new address is awaited; once set, the account has
 * the new address and cancelling puts the old one back. `cancelHash` is the keyed hash of the single-use code in
 * the notice mailed to the old address.
 */
export const emailChanges = pgTable(
  "email_changes",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    oldEmail: varchar("old_email", { length: 254 }).notNull(),
    newEmail: varchar("new_email", { length: 254 }).notNull(),
    cancelHash: varchar("cancel_hash", { length: 64 }).notNull().unique("email_changes_cancel_hash_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    cancelUntil: timestamp("cancel_until", { withTimezone: true }).notNull(),
  },
  (table) => [index("email_changes_user_id_idx").on(table.userId)],
);

export type EmailChange = typeof emailChanges.$inferSelect;
