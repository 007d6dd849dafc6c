import { z } from "zod";

export const sessionParams = z.object({ id: z.uuid().meta({ description: "A session id from GET /auth/sessions." }) });

export const sessionView = z.object({
  id: z.string(),
  created_at: z.string().meta({ format: "date-time" }),
  last_used_at: z.string().meta({ format: "date-time" }),
  expires_at: z.string().meta({ format: "date-time", description: "When its refresh token stops working unless used." }),
  user_agent: z.string().nullable(),
  ip: z.string().nullable(),
  current: z.boolean().meta({ description: "True for the session of the token that asked." }),
});

export const sessionListResponse = z.object({ sessions: z.array(sessionView) });

export type SessionView = z.infer<typeof sessionView>;
