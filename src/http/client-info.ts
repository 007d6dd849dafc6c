import { Elysia, type Context } from "elysia";
import type { ClientInfo } from "../modules/sessions/repository";

const MAX_USER_AGENT = 512;

/** The caller's address and user agent. */
export function readClientInfo(request: Request, server: Context["server"]): ClientInfo {
  return {
    ip: server?.requestIP(request)?.address ?? null,
    userAgent: request.headers.get("user-agent")?.slice(0, MAX_USER_AGENT) ?? null,
  };
}

/** `client`: the caller's address and user agent, recorded with the sessions they open and in the audit log. */
export const clientInfo = () =>
  new Elysia({ name: "client-info" }).derive({ as: "global" }, ({ request, server }) => ({ client: readClientInfo(request, server) }));
