import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text, timestamp, unique, varchar } from "drizzle-orm/pg-core";

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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check("users_email_lowercase", sql`${table.email} = lower(${table.email})`)],
);

export type User = typeof users.$inferSelect;

/** A Google or GitHub identity linked to a user; the provider's user id, never the email, identifies it. */
export const oauthAccounts = pgTable(
  "oauth_accounts",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    provider: varchar({ length: 32 }).notNull(),
    providerUserId: varchar("provider_user_id", { length: 255 }).notNull(),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    // The provider's verified address when the link was made; later sign-ins go by provider_user_id.
    email: varchar({ length: 254 }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique("oauth_accounts_provider_user_key").on(table.provider, table.providerUserId),
    index("oauth_accounts_user_id_idx").on(table.userId),
  ],
);

export type OauthAccount = typeof oauthAccounts.$inferSelect;
