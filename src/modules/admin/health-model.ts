import { z } from "zod";

const dependency = z.object({ ok: z.boolean(), description: z.string() });

export const healthResponse = z.object({
  version: z.string(),
  started_at: z.string().meta({ format: "date-time", description: "When this instance started." }),
  uptime_seconds: z.number().int(),
  database: dependency,
  redis: dependency.extend({
    mode: z.enum(["single", "sentinel", "cluster", "memory"]),
    nodes: z.array(z.string()).meta({ description: "The masters of a cluster, the Sentinels, or the one server (no password)." }),
  }),
  smtp: dependency.extend({ error: z.string().nullable().meta({ description: "Why the SMTP server refused, when it did." }) }),
  warnings: z.array(z.object({ message: z.string(), fix: z.string() })).meta({ description: "What start-up warns about." }),
  instances: z
    .array(
      z.object({
        id: z.string(),
        host: z.string(),
        pid: z.number().int(),
        version: z.string(),
        started_at: z.string().meta({ format: "date-time" }),
        last_seen_at: z.string().meta({ format: "date-time" }),
      }),
    )
    .meta({ description: "Instances that reported within the last minute (every 10 s through Redis); this one alone without Redis." }),
});

export type HealthReport = z.infer<typeof healthResponse>;
