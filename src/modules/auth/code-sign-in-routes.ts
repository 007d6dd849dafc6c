import { Elysia } from "elysia";
import type { RequestContext } from "../../http/request-context";
import { errors, messageResponse } from "../../http/responses";
import type { CodeSignInService } from "./code-sign-in";
import { codeSendBody, codeSignInBody, signInResponse } from "./model";

/** Sign-in with an emailed code, no password: POST /auth/code/send, then /auth/code/sign-in. */
export const codeSignInRoutes = (service: CodeSignInService, context: RequestContext) =>
  new Elysia({ prefix: "/auth/code", tags: ["auth"] })
    .use(context)
    .post("/send", async ({ body, client }) => ({ message: await service.sendCode(body.email, client) }), {
      body: codeSendBody,
      parse: "json",
      rateLimit: "mail",
      response: { 200: messageResponse, ...errors(403, 404, 422, 429, 503) },
      detail: {
        summary: "Email a sign-in code (no password needed); earlier sign-in codes stop working",
        description:
          "404 `user_not_found` for an address without an account (unless CODE_SIGN_IN_CREATES_ACCOUNTS is on), " +
          "403 `account_disabled` for a disabled one; with HIDE_ACCOUNT_EXISTENCE every address gets 200.",
      },
    })
    .post("/sign-in", ({ body, client }) => service.signIn(body.email, body.code, client), {
      body: codeSignInBody,
      parse: "json",
      rateLimit: "code",
      response: { 200: signInResponse, ...errors(400, 401, 403, 404, 422, 429, 503) },
      detail: {
        summary: "Exchange an emailed sign-in code for tokens (a new session)",
        description:
          "Only a code from /auth/code/send works here, and it works nowhere else. A fresh code check: a later " +
          "login or refresh within OTP_RECHECK_MINUTES asks for no code. With CODE_SIGN_IN_CREATES_ACCOUNTS an " +
          "address without an account gets one (verified, no password until one is set with forgot/reset).",
      },
    });
