import { z } from "zod";
import type { Session } from "../../db/schema";

/** The original's `{access_token, token_type}` plus a refresh token and the access token's lifetime. */
export const sessionTokensResponse = z.object({
  access_token: z.string(),
  token_type: z.literal("bearer"),
  refresh_token: z.string().meta({ description: "Single use: POST it to /auth/refresh for new tokens; keep it secret." }),
  expires_in: z.number().int().meta({ description: "Seconds until the access token expires.", example: 1800 }),
});

export type SessionTokens = z.infer<typeof sessionTokensResponse>;

export const sessionParams = z.object({ id: z.uuid().meta({ description: "A session id from GET /auth/sessions." }) });

const sessionView = z.object({
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

/** A session as the API shows it (to its owner, who also learns which is `current`, and to an administrator). */
export const toSessionView = (session: Session): Omit<SessionView, "current"> => ({
  id: session.id,
  created_at: session.createdAt.toISOString(),
  last_used_at: session.lastUsedAt.toISOString(),
  expires_at: session.expiresAt.toISOString(),
  user_agent: session.userAgent,
  ip: session.ip,
});
