import { sql } from "drizzle-orm";
import { boolean, check, integer, pgTable, text, timestamp, varchar } from "drizzle-orm/pg-core";

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
