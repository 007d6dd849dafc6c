import { Elysia } from "elysia";
import type { RequestContext } from "../../http/request-context";
import { bearerAuth, errors, messageResponse } from "../../http/responses";
import { sessionTokensResponse } from "../sessions/model";
import { mfaStatusResponse, mfaVerifyBody, recoveryCodesResponse, totpConfirmBody, totpDisableBody, totpEnrollResponse } from "./model";
import type { MfaService } from "./service";

/** The second factor: setting up the authenticator app, turning it off, and the second step of a sign-in. */
export const mfaRoutes = (mfa: MfaService, context: RequestContext) =>
  new Elysia({ prefix: "/auth/mfa", tags: ["mfa"] })
    .use(context)
    .post("/verify", ({ body, client }) => mfa.verify(body.mfa_token, body.code, client), {
      body: mfaVerifyBody,
      parse: "json",
      rateLimit: "code",
      response: { 200: sessionTokensResponse, ...errors(400, 401, 403, 422, 429, 503) },
      detail: {
        summary: "Second step of a sign-in: an authenticator or recovery code for the tokens (a new session)",
        description:
          "With the second factor on, every first factor answers 401 `mfa_required` with an `mfa_token` (single use, " +
          "5 minutes). A TOTP code works once; a recovery code works once. A wrong code keeps the token for " +
          "OTP_MAX_ATTEMPTS tries; 429 `mfa_locked` after OTP_MAX_FAILURES_PER_WINDOW wrong codes of the user.",
      },
    })
    .get("", ({ userId }) => mfa.status(userId), {
      auth: true,
      response: { 200: mfaStatusResponse, ...errors(401, 503) },
      detail: { summary: "The signed-in person's second factor: whether the app is on, and recovery codes left", ...bearerAuth },
    })
    .post("/totp/enroll", ({ userId, client }) => mfa.enroll(userId, client), {
      auth: true,
      response: { 200: totpEnrollResponse, ...errors(401, 409, 503) },
      detail: {
        summary: "Start setting up an authenticator app: a new secret and its otpauth:// URI",
        description: "Replaces a secret not yet confirmed; 409 `mfa_already_enabled` while the app is on.",
        ...bearerAuth,
      },
    })
    .post("/totp/confirm", ({ userId, body, client }) => mfa.confirm(userId, body.code, client), {
      auth: true,
      body: totpConfirmBody,
      parse: "json",
      rateLimit: "code",
      response: { 200: recoveryCodesResponse, ...errors(400, 401, 409, 422, 429, 503) },
      detail: {
        summary: "Turn the authenticator app on with its first code; answers 10 recovery codes, shown once",
        ...bearerAuth,
      },
    })
    .post(
      "/totp/disable",
      async ({ userId, body, client }) => {
        await mfa.disable(userId, body.code, client);
        return { message: "Two-step sign-in turned off." };
      },
      {
        auth: true,
        body: totpDisableBody,
        parse: "json",
        rateLimit: "code",
        response: { 200: messageResponse, ...errors(400, 401, 409, 422, 429, 503) },
        detail: {
          summary: "Turn the authenticator app off with a current code or a recovery code",
          description: "Sessions stay open; the owner is mailed a notice.",
          ...bearerAuth,
        },
      },
    );
