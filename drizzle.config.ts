import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` is used: migrations are SQL files committed in drizzle/ and applied by `bun run migrate`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
