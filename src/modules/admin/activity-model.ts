import { z } from "zod";

export const ACTIVITY_SERIES = ["sign_ups", "sign_ins", "sign_in_failures", "codes_sent", "rate_limited"] as const;

export const activityQuery = z.object({
  days: z.coerce
    .number()
    .int()
    .refine((days) => days === 7 || days === 30, "must be 7 or 30")
    .default(7)
    .meta({ description: "The last 7 or 30 days." }),
  bucket: z.enum(["hour", "day"]).default("hour").meta({ description: "Count per hour or per day (UTC)." }),
});

export const activityResponse = z.object({
  days: z.number().int(),
  bucket: z.enum(["hour", "day"]),
  buckets: z.array(z.string().meta({ format: "date-time" })).meta({ description: "The start of each hour or day, oldest first." }),
  series: z
    .object(
      Object.fromEntries(ACTIVITY_SERIES.map((name) => [name, z.array(z.number().int())])) as Record<
        (typeof ACTIVITY_SERIES)[number],
        z.ZodArray<z.ZodNumber>
      >,
    )
    .meta({
      description:
        "One count per bucket. sign_ups: registrations; sign_ins / sign_in_failures: password, code, OAuth, second-factor and passkey sign-ins; codes_sent: mails with a code or notice accepted by SMTP; rate_limited: requests a limit refused (429) that the audit log records.",
    }),
});

export type ActivityQuery = z.infer<typeof activityQuery>;
export type ActivityReport = z.infer<typeof activityResponse>;
