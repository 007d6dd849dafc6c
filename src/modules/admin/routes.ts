import { Elysia } from "elysia";
import { errors, messageResponse } from "../../http/responses";
import { adminGuard, type AdminCredentials } from "./basic-auth";
import type { RequestContext } from "../../http/request-context";
import type { LoginGuard } from "../../ratelimit/login-guard";
import {
  auditListQuery,
  auditListResponse,
  createUserBody,
  listUsersQuery,
  updateUserBody,
  userListResponse,
  userParams,
  userView,
} from "./model";
import type { ClientInfo } from "../../lib/client-info";
import type { AdminService } from "./service";

const basicAuth = { security: [{ adminBasic: [] }] };

export const adminRoutes = (
  admin: AdminService,
  context: RequestContext,
  credentials: AdminCredentials,
  guard: LoginGuard,
  onRefused: (client: ClientInfo) => void,
) =>
  new Elysia({ prefix: "/auth/admin", tags: ["admin"] })
    .use(context)
    .use(adminGuard(credentials, guard, onRefused))
    .get("/users", ({ query }) => admin.listUsers(query), {
      admin: true,
      query: listUsersQuery,
      response: { 200: userListResponse, ...errors(401, 422, 429, 503) },
      detail: { summary: "List users in id order, a page at a time, optionally searching by email", ...basicAuth },
    })
    .post("/users", async ({ body, status, client }) => status(201, await admin.createUser(body, client)), {
      admin: true,
      body: createUserBody,
      parse: "json",
      response: { 201: userView, ...errors(401, 409, 422, 429, 503) },
      detail: { summary: "Create a user", ...basicAuth },
    })
    .put("/users/:id", ({ params, body, client }) => admin.updateUser(params.id, body, client), {
      admin: true,
      params: userParams,
      body: updateUserBody,
      parse: "json",
      response: { 200: userView, ...errors(401, 404, 409, 422, 429, 503) },
      detail: {
        summary: "Change a user's email, password, is_active or is_verified",
        description: "Disabling a user (`is_active: false`) or setting a password ends all of their sessions at once.",
        ...basicAuth,
      },
    })
    .delete(
      "/users/:id",
      async ({ params, client }) => {
        await admin.deleteUser(params.id, client);
        return { message: "User deleted." };
      },
      {
        admin: true,
        params: userParams,
        response: { 200: messageResponse, ...errors(401, 404, 422, 429, 503) },
        detail: { summary: "Delete a user with their sessions and OAuth links", ...basicAuth },
      },
    )
    .delete(
      "/users/:id/mfa",
      async ({ params, client }) => {
        await admin.turnOffMfa(params.id, client);
        return { message: "Second factor turned off." };
      },
      {
        admin: true,
        params: userParams,
        response: { 200: messageResponse, ...errors(401, 404, 409, 422, 429, 503) },
        detail: {
          summary: "Turn a user's second factor (authenticator app) off; the user is mailed",
          description: "409 `mfa_not_enabled` when it is not on. Their sessions stay open.",
          ...basicAuth,
        },
      },
    )
    .get("/audit", ({ query }) => admin.listAuditEvents(query), {
      admin: true,
      query: auditListQuery,
      response: { 200: auditListResponse, ...errors(401, 422, 429, 503) },
      detail: { summary: "The audit log, newest first, a page at a time; filter by user, event or email", ...basicAuth },
    });
