import { Elysia } from "elysia";
import type { ClientInfo } from "../modules/sessions/repository";

const MAX_USER_AGENT = 512;

/** `client`: the caller's address and user agent, recorded with the sessions they open. */
export const clientInfo = () =>
  new Elysia({ name: "client-info" }).derive({ as: "global" }, ({ request, server, headers }): { client: ClientInfo } => ({
    client: {
      ip: server?.requestIP(request)?.address ?? null,
      userAgent: headers["user-agent"]?.slice(0, MAX_USER_AGENT) ?? null,
    },
  }));
