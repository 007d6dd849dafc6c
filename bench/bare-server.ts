// The framework ceiling: the service's `/health` answer from a bare Elysia app on the same Bun, with no
// plugin, hook, log or metric. What the service's routes reach is compared with what this one reaches.
import { Elysia } from "elysia";

new Elysia().get("/health", () => ({ status: "ok" })).listen({ hostname: "127.0.0.1", port: Number(process.env.PORT) });
