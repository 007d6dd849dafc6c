import { Elysia } from "elysia";
import { errors, messageResponse } from "../../http/responses";
import type { RequestContext } from "../../http/request-context";
import type { AccountActions } from "./account-actions";
import { adminGuard, type AdminAuth } from "./guard";
import { sessionsEndedResponse, userDetailResponse } from "./detail-model";
import {
  ADMIN_SECURITY,
  createUserBody,
  listUsersQuery,
  sessionParams,
  updateUserBody,
  userListResponse,
  userParams,
  userView,
} from "./model";
import type { AdminService } from "./service";

/** The users of the admin API; every route takes an admin's bearer token or Basic (see guard.ts). */
export const adminRoutes = (admin: AdminService, actions: AccountActions, context: RequestContext, auth: AdminAuth) =>
  new Elysia({ prefix: "/auth/admin", tags: ["admin"] })
    .use(context)
    .use(adminGuard(auth))
    .get("/users", ({ query }) => admin.listUsers(query), {
      admin: true,
      query: listUsersQuery,
      response: { 200: userListResponse, ...errors(401, 403, 422, 429, 503) },
      detail: { summary: "List users in id order, a page at a time; search by email, filter by status or provider", ...ADMIN_SECURITY },
    })
    .post("/users", async ({ body, status, client, actor }) => status(201, await admin.createUser(body, client, actor)), {
      admin: true,
      body: createUserBody,
      parse: "json",
      response: { 201: userView, ...errors(401, 403, 409, 422, 429, 503) },
      detail: { summary: "Create a user", ...ADMIN_SECURITY },
    })
    .get("/users/:id", ({ params }) => actions.userDetail(params.id), {
      admin: true,
      params: userParams,
      response: { 200: userDetailResponse, ...errors(401, 403, 404, 422, 429, 503) },
      detail: { summary: "One user: the row, linked Google/GitHub accounts and live sessions", ...ADMIN_SECURITY },
    })
    .put("/users/:id", ({ params, body, client, actor }) => admin.updateUser(params.id, body, client, actor), {
      admin: true,
      params: userParams,
      body: updateUserBody,
      parse: "json",
      response: { 200: userView, ...errors(401, 403, 404, 409, 422, 429, 503) },
      detail: {
        summary: "Change a user's email, password, is_active, is_verified or role",
        description:
          "Disabling a user (`is_active: false`) or setting a password ends all of their sessions at once. `role` grants or takes back the admin role, which counts from the next request; 409 `admin_role_fixed` for the ADMIN_EMAIL account.",
        ...ADMIN_SECURITY,
      },
    })
    .delete(
      "/users/:id",
      async ({ params, client, actor }) => {
        await admin.deleteUser(params.id, client, actor);
        return { message: "User deleted." };
      },
      {
        admin: true,
        params: userParams,
        response: { 200: messageResponse, ...errors(401, 403, 404, 422, 429, 503) },
        detail: { summary: "Delete a user with their sessions and OAuth links", ...ADMIN_SECURITY },
      },
    )
    .delete(
      "/users/:id/mfa",
      async ({ params, client, actor }) => {
        await admin.turnOffMfa(params.id, client, actor);
        return { message: "Second factor turned off." };
      },
      {
        admin: true,
        params: userParams,
        response: { 200: messageResponse, ...errors(401, 403, 404, 409, 422, 429, 503) },
        detail: {
          summary: "Turn a user's second factor (authenticator app) off; the user is mailed",
          description: "409 `mfa_not_enabled` when it is not on. Their sessions stay open.",
          ...ADMIN_SECURITY,
        },
      },
    )
    .delete(
      "/users/:id/sessions",
      async ({ params, client, actor }) => {
        const ended = await actions.endAllSessions(params.id, client, actor);
        return { message: "Sessions ended.", ended };
      },
      {
        admin: true,
        params: userParams,
        response: { 200: sessionsEndedResponse, ...errors(401, 403, 404, 422, 429, 503) },
        detail: { summary: "End every session of a user; their access tokens stop working at once", ...ADMIN_SECURITY },
      },
    )
    .delete(
      "/users/:id/sessions/:session_id",
      async ({ params, client, actor }) => {
        await actions.endSession(params.id, params.session_id, client, actor);
        return { message: "Session ended." };
      },
      {
        admin: true,
        params: sessionParams,
        response: { 200: messageResponse, ...errors(401, 403, 404, 422, 429, 503) },
        detail: { summary: "End one session of a user", ...ADMIN_SECURITY },
      },
    )
    .post(
      "/users/:id/verification",
      async ({ params, client, actor }) => {
        await actions.resendVerification(params.id, client, actor);
        return { message: "Verification code sent." };
      },
      {
        admin: true,
        params: userParams,
        response: { 200: messageResponse, ...errors(401, 403, 404, 409, 422, 429, 503) },
        detail: {
          summary: "Mail an unverified user a new verification code",
          description: "Under the address's own send limits (429 `otp_cooldown`, `otp_hourly_cap`); 409 `already_verified`.",
          ...ADMIN_SECURITY,
        },
      },
    )
    .post(
      "/users/:id/password-reset",
      async ({ params, client, actor }) => {
        await actions.startPasswordReset(params.id, client, actor);
        return { message: "Password reset code sent." };
      },
      {
        admin: true,
        params: userParams,
        response: { 200: messageResponse, ...errors(401, 403, 404, 409, 422, 429, 503) },
        detail: {
          summary: 'Mail a user a password reset code, as "Forgot password" does',
          description: "Under the address's own send limits (429); 409 `account_disabled` for an account an admin disabled.",
          ...ADMIN_SECURITY,
        },
      },
    );
