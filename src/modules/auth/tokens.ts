import { jwt } from "@elysiajs/jwt";
import type { Clock } from "../../lib/clock";

export interface AccessClaims {
  userId: number;
  email: string;
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;

/** HS256 access tokens (`sub` = user id, `email`, `iat`, `exp`) signed through @elysiajs/jwt's signer. */
export function createTokenIssuer({ secret, expireMinutes, clock }: { secret: string; expireMinutes: number; clock: Clock }) {
  const signer = jwt({ name: "jwt", secret, alg: "HS256" }).decorator.jwt;
  return {
    expiresInSeconds: expireMinutes * 60,
    issueAccessToken: (user: { id: number; email: string }) =>
      signer.sign({ sub: String(user.id), email: user.email, exp: Math.floor(clock.now() / 1000) + expireMinutes * 60 }),
    async verifyAccessToken(token: string): Promise<AccessClaims | null> {
      const claims = await signer.verify(token, {
        algorithms: ["HS256"],
        requiredClaims: ["sub", "exp"],
        currentDate: new Date(clock.now()),
      });
      if (!claims || !/^\d+$/.test(String(claims.sub)) || typeof claims.email !== "string") return null;
      return { userId: Number(claims.sub), email: claims.email };
    },
  };
}
