import { Elysia } from "elysia";
import type { RequestContext } from "../../http/request-context";
import { bearerAuth, errors, messageResponse } from "../../http/responses";
import type { LoginGuard } from "../../ratelimit/login-guard";
import { sessionTokensResponse } from "../sessions/model";
import {
  loginBody,
  profileResponse,
  refreshBody,
  registerBody,
  registerResponse,
  resendOtpBody,
  signInResponse,
  verifyOtpBody,
  verifyOtpResponse,
} from "./model";
import type { AuthService } from "./service";

export const authRoutes = (auth: AuthService, context: RequestContext, loginGuard: LoginGuard) =>
  new Elysia({ prefix: "/auth", tags: ["auth"] })
    .use(context)
    .post("/register", async ({ body, status, client }) => status(201, await auth.register(body.email, body.password, client)), {
      body: registerBody,
      parse: "json",
      rateLimit: "mail",
      response: { 201: registerResponse, ...errors(400, 422, 429, 503) },
      detail: { summary: "Create an account (or renew an unverified one) and email a verification code" },
    })
    .post("/verify-otp", ({ body, client }) => auth.verifyOtp(body.email, body.code, body.otp_token, client), {
      body: verifyOtpBody,
      parse: "json",
      rateLimit: "code",
      response: { 200: verifyOtpResponse, ...errors(400, 401, 403, 404, 422, 429, 503) },
      detail: { summary: "Confirm a code: verifies the account, or completes a login re-check; signs in with a new session" },
    })
    .post("/resend-otp", async ({ body, client }) => ({ message: await auth.resendOtp(body.email, client) }), {
      body: resendOtpBody,
      parse: "json",
      rateLimit: "mail",
      response: { 200: messageResponse, ...errors(400, 404, 422, 429, 503) },
      detail: { summary: "Email a new code; earlier codes stop working" },
    })
    .post(
      "/login",
      ({ body, client, clientKey }) => loginGuard.protect(body.email, clientKey, () => auth.login(body.email, body.password, client)),
      {
        body: loginBody,
        parse: "json",
        rateLimit: "password",
        response: { 200: signInResponse, ...errors(400, 401, 403, 422, 429, 503) },
        detail: {
          summary: "Exchange email and password for tokens (a new session)",
          description:
            "When the last code check is older than OTP_RECHECK_MINUTES, answers 400 with " +
            '`code: "otp_required"` and emails a code; POST it to /auth/verify-otp to get the tokens. With the second ' +
            'factor on, a right password answers 401 `code: "mfa_required"` with an `mfa_token` for /auth/mfa/verify.',
        },
      },
    )
    .post("/refresh", ({ body, client }) => auth.refresh(body.refresh_token, client), {
      body: refreshBody,
      parse: "json",
      response: { 200: sessionTokensResponse, ...errors(400, 401, 422, 429, 503) },
      detail: {
        summary: "Exchange a refresh token for a new access token and a new refresh token",
        description:
          "Each refresh token works once; presenting one again ends its whole session (reuse detection). " +
          "When the last code check is older than OTP_RECHECK_MINUTES, answers 400 `otp_required`, ends the " +
          "session and emails a code; POST it to /auth/verify-otp to sign in again.",
      },
    })
    .post("/logout", async ({ userId, sessionId, client }) => ({ message: await auth.logout(userId, sessionId, client) }), {
      auth: true,
      response: { 200: messageResponse, ...errors(401, 503) },
      detail: { summary: "End the current session: its access and refresh tokens stop working at once", ...bearerAuth },
    })
    .get("/me", ({ userId }) => auth.getProfile(userId), {
      auth: true,
      response: { 200: profileResponse, ...errors(401, 503) },
      detail: { summary: "The signed-in user", ...bearerAuth },
    });
