import { z } from "zod";
import { userRowView } from "./model";

const adminSessionView = z.object({
  id: z.string(),
  created_at: z.string().meta({ format: "date-time" }),
  last_used_at: z.string().meta({ format: "date-time" }),
  expires_at: z.string().meta({ format: "date-time" }),
  user_agent: z.string().nullable(),
  ip: z.string().nullable(),
});

/** One user for the console: the row, linked sign-in accounts, live sessions and the second factor. */
export const userDetailResponse = z.object({
  user: userRowView.extend({ is_disabled: z.boolean().meta({ description: "Disabled by an admin (only an admin enables it)." }) }),
  oauth_accounts: z.array(z.object({ provider: z.string(), email: z.string(), created_at: z.string().meta({ format: "date-time" }) })),
  sessions: z.array(adminSessionView).meta({ description: "Live sessions, most recently used first." }),
});

export const sessionsEndedResponse = z.object({ message: z.string(), ended: z.number().int() });

export type UserDetail = z.infer<typeof userDetailResponse>;
