import { Elysia } from "elysia";
import type { RequestContext } from "../../http/request-context";
import { bearerAuth, errors, messageResponse } from "../../http/responses";
import { sessionTokensResponse } from "../sessions/model";
import {
  creationOptionsResponse,
  passkeyListResponse,
  passkeyParams,
  passkeyView,
  registerPasskeyBody,
  renamePasskeyBody,
  requestOptionsResponse,
  signInWithPasskeyBody,
} from "./model";
import type { PasskeyService } from "./service";

const originOf = (request: Request) => request.headers.get("origin");

/** Passkeys: signing in with one, and adding, listing, renaming and removing them while signed in. */
export const passkeyRoutes = (passkeys: PasskeyService, context: RequestContext) =>
  new Elysia({ prefix: "/auth/passkeys", tags: ["passkeys"] })
    .use(context)
    .post("/sign-in/options", ({ request }) => passkeys.signInOptions(originOf(request)), {
      rateLimit: "passkey",
      response: { 200: requestOptionsResponse, ...errors(403, 429, 503) },
      detail: {
        summary: "Start a passkey sign-in: options for the browser's navigator.credentials.get()",
        description:
          "No address is asked: the browser offers the passkeys it holds for this site. The challenge is single-use " +
          "and lasts 5 minutes, on any instance. 403 `passkey_origin_not_allowed` from a page on another origin than PUBLIC_URL.",
      },
    })
    .post("/sign-in", ({ body, client }) => passkeys.signIn(body.response, client), {
      body: signInWithPasskeyBody,
      parse: "json",
      rateLimit: "passkey",
      response: { 200: sessionTokensResponse, ...errors(400, 401, 403, 422, 429, 503) },
      detail: {
        summary: "Sign in with a passkey: the browser's answer for the tokens (a new session)",
        description:
          "A passkey is user-verified and phishing-resistant, so it also stands for the second factor: no `mfa_required`. " +
          "400 `invalid_passkey_challenge` for a used or expired challenge; 401 `invalid_passkey` for every other refusal.",
      },
    })
    .post(
      "/register/options",
      ({ userId, sessionId, request }) => passkeys.registrationOptions({ id: userId, sessionId }, originOf(request)),
      {
        auth: true,
        rateLimit: "passkey",
        response: { 200: creationOptionsResponse, ...errors(401, 403, 429, 503) },
        detail: {
          summary: "Start adding a passkey: options for the browser's navigator.credentials.create()",
          description:
            "Needs a sign-in from the last 10 minutes (403 `fresh_sign_in_required`): a stolen token must not add a lasting way in.",
          ...bearerAuth,
        },
      },
    )
    .post(
      "/register",
      async ({ userId, sessionId, body, client, status }) =>
        status(201, await passkeys.register({ id: userId, sessionId }, body.response, body.name, client)),
      {
        auth: true,
        body: registerPasskeyBody,
        parse: "json",
        rateLimit: "passkey",
        response: { 201: passkeyView, ...errors(400, 401, 403, 409, 422, 429, 503) },
        detail: { summary: "Add a passkey: the browser's answer to the registration options; the owner is mailed", ...bearerAuth },
      },
    )
    .get("", ({ userId }) => passkeys.list(userId), {
      auth: true,
      response: { 200: passkeyListResponse, ...errors(401, 503) },
      detail: { summary: "The signed-in person's passkeys, oldest first", ...bearerAuth },
    })
    .patch("/:id", ({ userId, params, body }) => passkeys.rename(userId, params.id, body.name), {
      auth: true,
      params: passkeyParams,
      body: renamePasskeyBody,
      parse: "json",
      response: { 200: passkeyView, ...errors(401, 404, 422, 503) },
      detail: { summary: "Rename one of your passkeys", ...bearerAuth },
    })
    .delete(
      "/:id",
      async ({ userId, params, client }) => {
        await passkeys.remove(userId, params.id, client);
        return { message: "Passkey removed." };
      },
      {
        auth: true,
        params: passkeyParams,
        response: { 200: messageResponse, ...errors(401, 404, 422, 503) },
        detail: { summary: "Remove one of your passkeys; the owner is mailed", ...bearerAuth },
      },
    );
