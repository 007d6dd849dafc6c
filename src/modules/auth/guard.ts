import { Elysia } from "elysia";
import { AppError } from "../../errors";
import { AUTH_MESSAGES } from "./messages";
import type { TokenIssuer } from "./tokens";

const unauthorized = () =>
  new AppError(401, AUTH_MESSAGES.invalidToken, "invalid_token", { "WWW-Authenticate": "Bearer" });

/** Macro `auth: true`: requires a valid Bearer access token and resolves `userId` from it. */
export const authGuard = (tokens: TokenIssuer) =>
  new Elysia().macro({
    auth: {
      async resolve({ headers }) {
        const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
        const claims = match ? await tokens.verifyAccessToken(match[1]!) : null;
        if (!claims) throw unauthorized();
        return { userId: claims.userId };
      },
    },
  });
