import { Elysia } from "elysia";
import type { RateLimitPlugin } from "../../http/rate-limit";
import type { LoginGuard } from "../../ratelimit/login-guard";
import { authGuard } from "./guard";
import {
  detailError, loginBody, messageResponse, profileResponse, registerBody, resendOtpBody, tokenResponse,
  verifyOtpBody, verifyOtpResponse,
} from "./model";
import type { AuthService } from "./service";
import type { TokenIssuer } from "./tokens";

const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, detailError]));

export const authRoutes = (auth: AuthService, tokens: TokenIssuer, limits: { rateLimit: RateLimitPlugin; loginGuard: LoginGuard }) =>
  new Elysia({ prefix: "/auth", tags: ["auth"] })
    .use(authGuard(tokens))
    .use(limits.rateLimit)
    .post("/register", async ({ body, status }) => status(201, { message: await auth.register(body.email, body.password) }), {
      body: registerBody,
      rateLimit: "mail",
      response: { 201: messageResponse, ...errors(400, 422, 429, 503) },
      detail: { summary: "Create an account (or renew an unverified one) and email a verification code" },
    })
    .post("/verify-otp", ({ body }) => auth.verifyOtp(body.email, body.code), {
      body: verifyOtpBody,
      rateLimit: "code",
      response: { 200: verifyOtpResponse, ...errors(400, 404, 422, 429, 503) },
      detail: { summary: "Confirm a code: verifies the account, or completes a login re-check; returns a token" },
    })
    .post("/resend-otp", async ({ body }) => ({ message: await auth.resendOtp(body.email) }), {
      body: resendOtpBody,
      rateLimit: "mail",
      response: { 200: messageResponse, ...errors(400, 404, 422, 429, 503) },
      detail: { summary: "Email a new code; earlier codes stop working" },
    })
    .post("/login", ({ body, clientKey }) =>
      limits.loginGuard.protect(body.email, clientKey, () => auth.login(body.email, body.password)), {
      body: loginBody,
      rateLimit: "password",
      response: { 200: tokenResponse, ...errors(400, 401, 403, 422, 429, 503) },
      detail: {
        summary: "Exchange email and password for a token",
        description: "When the last code check is older than ACCESS_TOKEN_EXPIRE_MINUTES, answers 400 with " +
          "`code: \"otp_required\"` and emails a code; POST it to /auth/verify-otp to get the token.",
      },
    })
    .get("/me", ({ userId }) => auth.getProfile(userId), {
      auth: true,
      response: { 200: profileResponse, ...errors(401) },
      detail: { summary: "The signed-in user", security: [{ bearerAuth: [] }] },
    });
