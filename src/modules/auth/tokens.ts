import { jwt } from "@elysiajs/jwt";
import type { Clock } from "../../lib/clock";

export interface AccessClaims {
  userId: number;
  email: string;
  /** The session the token belongs to; a revoked session's tokens are refused. */
  sessionId: string;
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;

const MAX_USER_ID = 2_147_483_647;
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** HS256 access tokens (`sub` = user id, `email`, `sid` = session id, `iat`, `exp`) signed through @elysiajs/jwt's signer. */
export function createTokenIssuer({ secret, expireMinutes, clock }: { secret: string; expireMinutes: number; clock: Clock }) {
  const signer = jwt({ name: "jwt", secret, alg: "HS256" }).decorator.jwt;
  return {
    expiresInSeconds: expireMinutes * 60,
    issueAccessToken: (user: { id: number; email: string }, sessionId: string) =>
      signer.sign({ sub: String(user.id), email: user.email, sid: sessionId, exp: Math.floor(clock.now() / 1000) + expireMinutes * 60 }),
    async verifyAccessToken(token: string): Promise<AccessClaims | null> {
      const claims = await signer.verify(token, {
        algorithms: ["HS256"],
        requiredClaims: ["sub", "exp", "sid"],
        currentDate: new Date(clock.now()),
      });
      // A user id is a PostgreSQL integer; a larger one would fail the query instead of finding nobody.
      if (!claims || !/^\d{1,10}$/.test(String(claims.sub)) || Number(claims.sub) > MAX_USER_ID || typeof claims.email !== "string") return null;
      if (typeof claims.sid !== "string" || !SESSION_ID.test(claims.sid)) return null;
      return { userId: Number(claims.sub), email: claims.email, sessionId: claims.sid };
    },
  };
}
