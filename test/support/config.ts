import { ConfigError, loadConfig } from "../../src/config/load";

/** The least environment that loads on the real-services backends (nothing is connected to). */
export const MINIMAL_ENV = {
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test",
  REDIS_URL: "redis://127.0.0.1:6379/0",
  SECRET_KEY: "dev-secret",
  SMTP_SERVER: "smtp.example.com",
  FROM_EMAIL: "sender@example.com",
};

/** The problems loadConfig names for `env`, which must not load. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}
