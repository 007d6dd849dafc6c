import { Elysia } from "elysia";
import { AppError } from "../../errors";
import { constantTimeEqual, hmacHex, randomToken } from "../../lib/crypto";
import type { ClientInfo } from "../sessions/repository";

export interface AdminCredentials {
  email?: string;
  password?: string;
}

export const ADMIN_MESSAGES = {
  notConfigured: "Admin credentials are not configured.",
  unauthorized: "Invalid admin credentials.",
} as const;

const unauthorized = () =>
  new AppError(401, ADMIN_MESSAGES.unauthorized, "invalid_admin_credentials", { "WWW-Authenticate": 'Basic realm="otp-auth admin", charset="UTF-8"' });

/** The user and password of a `Basic` Authorization header, or null. */
function parseBasic(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]{1,1024})$/i.exec(header ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Macro `admin: true`: HTTP Basic with ADMIN_EMAIL / ADMIN_PASSWORD. Both parts are always compared, as
 * keyed hashes of equal length, so neither the time taken nor an early exit tells which part was wrong.
 */
export const adminGuard = ({ email, password }: AdminCredentials, onRefused: (client: ClientInfo) => void) => {
  const key = randomToken(32);
  const expected = email && password ? { user: hmacHex(key, email), password: hmacHex(key, password) } : null;
  return new Elysia().macro({
    admin: {
      resolve(context) {
        const { headers } = context;
        if (!expected) throw new AppError(503, ADMIN_MESSAGES.notConfigured, "admin_not_configured");
        const given = parseBasic(headers.authorization);
        const userOk = constantTimeEqual(hmacHex(key, given?.user ?? ""), expected.user);
        const passwordOk = constantTimeEqual(hmacHex(key, given?.password ?? ""), expected.password);
        if (!(given && userOk && passwordOk)) {
          // Only a wrong attempt is recorded: an admin's routine reads would drown the log.
          // `client` comes from the request context, which the admin routes use before this guard.
          if (given) onRefused((context as unknown as { client: ClientInfo }).client);
          throw unauthorized();
        }
        return {};
      },
    },
  });
};
