import { Elysia } from "elysia";
import type { RequestContext } from "../../http/request-context";
import { bearerAuth, errors, messageResponse } from "../../http/responses";
import type { AccountDeletionService } from "./deletion";
import type { AccountExporter } from "./export";
import { accountExportResponse, cancelBody, deleteAccountBody, deletionResponse, deletionStatusResponse } from "./model";

const MESSAGES = {
  scheduled: "Your account will be deleted after the grace period. Sign in before then to cancel.",
  codeSent: "A code to confirm the deletion has been sent to your email.",
  cancelled: "The deletion of your account was cancelled.",
};

/** The person's own account: deleting it (after a grace period) and exporting what is held about them. */
export const accountRoutes = (deletion: AccountDeletionService, exporter: AccountExporter, context: RequestContext) =>
  new Elysia({ prefix: "/auth/account", tags: ["account"] })
    .use(context)
    .post(
      "/delete",
      async ({ body, userId, client, status }) =>
        status(202, { message: MESSAGES.scheduled, delete_after: (await deletion.request(userId, body, client)).toISOString() }),
      {
        auth: true,
        body: deleteAccountBody,
        parse: "json",
        rateLimit: "password",
        response: { 202: deletionResponse, ...errors(400, 401, 422, 429, 503) },
        detail: {
          summary: "Delete my account after a grace period (ACCOUNT_DELETION_GRACE_DAYS); every session ends now",
          description:
            "Needs `password`, or a `code` from POST /auth/account/delete/code (the way for an account without a " +
            "password). Mails a notice with a cancellation code. Asking again while a deletion is pending keeps its date.",
          ...bearerAuth,
        },
      },
    )
    .post(
      "/delete/code",
      async ({ userId, client }) => {
        await deletion.sendCode(userId, client);
        return { message: MESSAGES.codeSent };
      },
      {
        auth: true,
        rateLimit: "mail",
        response: { 200: messageResponse, ...errors(401, 429, 503) },
        detail: { summary: "Email a code that confirms deleting my account (it works for nothing else)", ...bearerAuth },
      },
    )
    .post(
      "/delete/cancel",
      async ({ body, client }) => {
        await deletion.cancelWithToken(body.token, client);
        return { message: MESSAGES.cancelled };
      },
      {
        body: cancelBody,
        parse: "json",
        rateLimit: "code",
        response: { 200: messageResponse, ...errors(400, 422, 429, 503) },
        detail: { summary: "Cancel a pending deletion with the code of its notice (single use; no sign-in needed)" },
      },
    )
    .get("/deletion", async ({ userId }) => ({ delete_after: (await deletion.pendingDeletion(userId))?.toISOString() ?? null }), {
      auth: true,
      response: { 200: deletionStatusResponse, ...errors(401, 503) },
      detail: { summary: "Whether a deletion of my account is pending, and when it happens", ...bearerAuth },
    })
    .delete(
      "/deletion",
      async ({ userId, client }) => {
        await deletion.cancel(userId, client);
        return { message: MESSAGES.cancelled };
      },
      {
        auth: true,
        response: { 200: messageResponse, ...errors(401, 409, 503) },
        detail: { summary: "Cancel the pending deletion of my account (signed in during the grace period)", ...bearerAuth },
      },
    )
    .get("/export", ({ userId }) => exporter.exportAccount(userId), {
      auth: true,
      response: { 200: accountExportResponse, ...errors(401, 503) },
      detail: {
        summary: "Everything held about me, as JSON: profile, OAuth links, sessions, second factors, passkeys, audit events",
        description: "Never a secret: no password or refresh-token hash, authenticator secret, recovery code or passkey public key.",
        ...bearerAuth,
      },
    });
