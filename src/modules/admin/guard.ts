import { Elysia } from "elysia";
import { appError } from "../../errors";
import { ADMIN_ERRORS } from "../../errors/admin";
import { constantTimeEqual, hmacHex, randomToken } from "../../lib/crypto";
import { clientKey, UNKNOWN_CLIENT } from "../../http/client-ip";
import type { LoginGuard } from "../../ratelimit/login-guard";
import type { ClientInfo } from "../../lib/client-info";
import type { AdminAccess, AdminActor } from "./access";

export interface AdminCredentials {
  email?: string;
  password?: string;
}

/** The user and password of a `Basic` Authorization header, or null. */
function parseBasic(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]{1,1024})$/i.exec(header ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export interface AdminAuth {
  credentials: AdminCredentials;
  /** The login guard of Basic attempts. */
  guard: LoginGuard;
  /** Hears every wrong Basic attempt, for the audit log. */
  onRefused: (client: ClientInfo) => void;
  /** Bearer tokens of admin users. */
  access: Pick<AdminAccess, "authorize">;
}

/**
 * Macro `admin: true`, resolving the `actor`: a bearer token of a user with the admin role (see access.ts), or
 * HTTP Basic with ADMIN_EMAIL / ADMIN_PASSWORD for scripts. Both parts are always compared, as
 * keyed hashes of equal length, so neither the time taken nor an early exit tells which part was wrong.
 * Each attempt runs through `guard` (the login's protection, with counters of its own): wrong ones in a row
 * block that user name from that client, and each client has a daily cap of wrong ones (429, Retry-After).
 */
export const adminGuard = ({ credentials: { email, password }, guard, onRefused, access }: AdminAuth) => {
  const key = randomToken(32);
  const expected = email && password ? { user: hmacHex(key, email), password: hmacHex(key, password) } : null;
  return new Elysia().macro({
    admin: {
      async resolve(context) {
        const { headers } = context;
        // Any Bearer header is judged as a token: a malformed one is an invalid token, not a Basic attempt.
        const bearer = /^Bearer\s+(.*)$/is.exec(headers.authorization ?? "");
        if (bearer) return { actor: await access.authorize(bearer[1]!.trim()) };
        if (!expected) throw appError(ADMIN_ERRORS.notConfigured);
        const given = parseBasic(headers.authorization);
        // No credentials (a client's first request, before the challenge) guess nothing, so are not counted.
        if (!given) throw appError(ADMIN_ERRORS.badCredentials);
        // `client` comes from the request context, which the admin routes use before this guard.
        const client = (context as unknown as { client: ClientInfo }).client;
        // Hashed with a fixed key: the counters of every instance agree, and a long name makes no long Redis key.
        await guard.protect(hmacHex("admin-user", given.user), clientKey(client.ip ?? UNKNOWN_CLIENT), async () => {
          const userOk = constantTimeEqual(hmacHex(key, given.user), expected.user);
          const passwordOk = constantTimeEqual(hmacHex(key, given.password), expected.password);
          if (userOk && passwordOk) return;
          // Only a wrong attempt is recorded: an admin's routine reads would drown the log.
          onRefused(client);
          throw appError(ADMIN_ERRORS.badCredentials);
        });
        return { actor: { adminId: null } as AdminActor };
      },
    },
  });
};
