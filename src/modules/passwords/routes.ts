import { Elysia } from "elysia";
import type { RequestContext } from "../../http/request-context";
import { bearerAuth, errors, messageResponse } from "../../http/responses";
import { changePasswordBody, forgotPasswordBody, resetPasswordBody } from "./model";
import type { PasswordService } from "./service";

export const passwordRoutes = (passwords: PasswordService, context: RequestContext) =>
  new Elysia({ prefix: "/auth/password", tags: ["password"] })
    .use(context)
    .post("/forgot", async ({ body, client }) => ({ message: await passwords.forgotPassword(body.email, client) }), {
      body: forgotPasswordBody,
      parse: "json",
      rateLimit: "mail",
      response: { 200: messageResponse, ...errors(422, 429, 503) },
      detail: {
        summary: "Email a code to reset a forgotten password",
        description:
          "Answers the same whether or not the address has an account; the code (purpose `reset`) " +
          "follows the usual rules: single use, OTP_MAX_ATTEMPTS tries, cooldown and hourly cap.",
      },
    })
    .post(
      "/reset",
      async ({ body, client }) => ({ message: await passwords.resetPassword(body.email, body.code, body.new_password, client) }),
      {
        body: resetPasswordBody,
        parse: "json",
        rateLimit: "code",
        response: { 200: messageResponse, ...errors(400, 422, 429, 503) },
        detail: {
          summary: "Set a new password with the mailed code",
          description: "Also verifies the address if it was not; every session of the account ends, and a notice is mailed.",
        },
      },
    )
    .post(
      "/change",
      async ({ body, userId, sessionId, client }) => ({
        message: await passwords.changePassword(userId, sessionId, body.current_password, body.new_password, client),
      }),
      {
        auth: true,
        body: changePasswordBody,
        parse: "json",
        rateLimit: "password",
        response: { 200: messageResponse, ...errors(400, 401, 422, 429, 503) },
        detail: { summary: "Change the password; the other sessions end, this one stays, and a notice is mailed", ...bearerAuth },
      },
    );
