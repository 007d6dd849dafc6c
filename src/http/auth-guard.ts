import { Elysia } from "elysia";
import { ACCOUNT_ERRORS } from "../errors/account";
import { appError } from "../errors";
import type { TokenIssuer } from "../tokens/access-token";

/**
 * Macro `auth: true`: requires a valid Bearer access token whose session has not been ended, and resolves
 * `userId` and `sessionId` from it. The revocation check is one lookup in Redis (or memory), no database read.
 */
export const authGuard = (tokens: TokenIssuer, isRevoked: (sessionId: string) => Promise<boolean>) =>
  new Elysia().macro({
    auth: {
      async resolve({ headers }) {
        const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
        const claims = match ? await tokens.verifyAccessToken(match[1]!) : null;
        if (!claims || (await isRevoked(claims.sessionId))) throw appError(ACCOUNT_ERRORS.invalidToken);
        return { userId: claims.userId, sessionId: claims.sessionId };
      },
    },
  });
