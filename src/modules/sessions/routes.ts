import { Elysia } from "elysia";
import type { Session } from "../../db/schema";
import type { RequestContext } from "../../http/request-context";
import { bearerAuth, errors, messageResponse } from "../../http/responses";
import { sessionListResponse, sessionParams, toSessionView, type SessionView } from "./model";
import type { SessionService } from "./service";

const view = (session: Session, currentId: string): SessionView => ({ ...toSessionView(session), current: session.id === currentId });

export const sessionRoutes = (sessions: SessionService, context: RequestContext) =>
  new Elysia({ prefix: "/auth", tags: ["sessions"] })
    .use(context)
    .get(
      "/sessions",
      async ({ userId, sessionId }) => ({
        sessions: (await sessions.listSessions(userId)).map((session) => view(session, sessionId)),
      }),
      {
        auth: true,
        response: { 200: sessionListResponse, ...errors(401, 503) },
        detail: { summary: "The signed-in person's live sessions, most recently used first", ...bearerAuth },
      },
    )
    .delete(
      "/sessions/:id",
      async ({ userId, params, client }) => {
        await sessions.revokeSession(userId, params.id, client);
        return { message: "Session ended." };
      },
      {
        auth: true,
        params: sessionParams,
        response: { 200: messageResponse, ...errors(401, 404, 422, 503) },
        detail: { summary: "End one of your sessions (another device): its tokens stop working at once", ...bearerAuth },
      },
    );
