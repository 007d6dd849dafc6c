import { Elysia } from "elysia";
import type { RequestContext } from "../../http/request-context";
import { errors } from "../../http/responses";
import { callbackBody, callbackResponse, providerParams, startQuery, startResponse } from "./model";
import type { OAuthService } from "./service";

export const oauthRoutes = (oauth: OAuthService, context: RequestContext) =>
  new Elysia({ prefix: "/auth/oauth", tags: ["oauth"] })
    .use(context)
    .get("/:provider/start", ({ params, query }) => oauth.startSignIn(params.provider, query.redirect_uri), {
      params: providerParams,
      query: startQuery,
      rateLimit: "oauth",
      response: { 200: startResponse, ...errors(400, 422, 429, 503) },
      detail: {
        summary: "Start signing in with Google or GitHub: returns the provider URL to send the browser to",
        description:
          "The PKCE verifier and the redirect URI stay on the server with the state; the state expires " +
          "after OAUTH_STATE_TTL_SECONDS and works once.",
      },
    })
    .post("/:provider/callback", ({ params, body, client }) => oauth.completeSignIn(params.provider, body, client), {
      params: providerParams,
      body: callbackBody,
      parse: "json",
      rateLimit: "oauth",
      response: { 200: callbackResponse, ...errors(400, 401, 403, 409, 422, 429, 502, 503) },
      detail: {
        summary: "Finish signing in: exchanges the code the provider redirected back with for an access token",
        description:
          "Creates the account on a first sign-in, or links the provider to a verified account with " +
          "the same email. The provider's email must be verified.",
      },
    });
