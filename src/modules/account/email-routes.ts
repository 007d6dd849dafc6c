import { Elysia } from "elysia";
import type { RequestContext } from "../../http/request-context";
import { bearerAuth, errors, messageResponse } from "../../http/responses";
import type { EmailChangeService } from "./email-change";
import { cancelBody, emailChangeBody, emailChangeConfirmBody, emailChangeConfirmResponse } from "./model";

const MESSAGES = {
  requested: "A code has been sent to the new address. Enter it to switch.",
  proofSent: "A code to confirm the change has been sent to your email.",
  changed: "Your email address has been changed. Your other sessions have been signed out.",
  cancelled: "The change of email was cancelled.",
};

/** Changing the signed-in person's email address: ask, confirm with the new address's code, or cancel from the old. */
export const emailChangeRoutes = (changes: EmailChangeService, context: RequestContext) =>
  new Elysia({ prefix: "/auth/email", tags: ["account"] })
    .use(context)
    .post(
      "/change",
      async ({ body, userId, client, status }) => {
        await changes.request(userId, body.new_email, body, client);
        return status(202, { message: MESSAGES.requested });
      },
      {
        auth: true,
        body: emailChangeBody,
        parse: "json",
        // It checks a password, and it mails a code to an address the caller names, like register does.
        rateLimit: ["password", "mail"],
        response: { 202: messageResponse, ...errors(400, 401, 422, 429, 503) },
        detail: {
          summary: "Change my email address: mails a code to the new address and a notice to the current one",
          description:
            "Needs `password`, or a `code` from POST /auth/email/change/code (an account without a password). The " +
            "answer is the same whether or not another account has the new address (see docs/account-lifecycle.md).",
          ...bearerAuth,
        },
      },
    )
    .post(
      "/change/code",
      async ({ userId, client }) => {
        await changes.sendProofCode(userId, client);
        return { message: MESSAGES.proofSent };
      },
      {
        auth: true,
        rateLimit: "mail",
        response: { 200: messageResponse, ...errors(401, 429, 503) },
        detail: { summary: "Email the current address a code that stands for the password in POST /auth/email/change", ...bearerAuth },
      },
    )
    .post(
      "/change/confirm",
      async ({ body, userId, sessionId, client }) => ({
        message: MESSAGES.changed,
        email: await changes.confirm(userId, sessionId, body.code, client),
      }),
      {
        auth: true,
        body: emailChangeConfirmBody,
        parse: "json",
        rateLimit: "code",
        response: { 200: emailChangeConfirmResponse, ...errors(400, 401, 422, 429, 503) },
        detail: {
          summary: "Switch to the new address with the code mailed to it; my other sessions end",
          description: "This session's access token carries the old address until its next refresh.",
          ...bearerAuth,
        },
      },
    )
    .post(
      "/change/cancel",
      async ({ body, client }) => {
        await changes.cancel(body.token, client);
        return { message: MESSAGES.cancelled };
      },
      {
        body: cancelBody,
        parse: "json",
        rateLimit: "code",
        response: { 200: messageResponse, ...errors(400, 422, 429, 503) },
        detail: {
          summary: "Cancel a change of email with the code of the notice to the old address (single use; no sign-in)",
          description:
            "Before the switch it drops the change; after it, within EMAIL_CHANGE_CANCEL_HOURS, it puts the old address back and ends every session.",
        },
      },
    );
