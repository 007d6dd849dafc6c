/** Where the real services are; CI and the README use these defaults. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";

export const uniqueId = () => `${Date.now().toString(36)}${crypto.randomUUID().slice(0, 8)}`;

/** A fresh address per test, so tests never share an account or a send limit. */
export const uniqueEmail = (label = "user") => `${label}-${uniqueId()}@example.com`;
