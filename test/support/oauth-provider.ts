import type { Server } from "bun";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

/**
 * A real OAuth 2.0 provider over HTTP on loopback that behaves like Google and GitHub where it matters:
 * it checks the client id and secret, the registered redirect URI, single-use codes and PKCE S256, and
 * serves Google-like userinfo (with an RS256 ID token) and GitHub-like /user and /user/emails.
 * Tests choose the signed-in user and make it deny, refuse, answer garbage, hang or go down.
 */

export type ProviderKind = "google" | "github";

export interface ProviderUser {
  /** Google `sub` / GitHub numeric id (as a string). */
  id: string;
  email: string;
  verified: boolean;
  /** GitHub only: further addresses in /user/emails (never primary). */
  otherEmails?: { email: string; verified: boolean }[];
}

export interface ProviderBehaviour {
  /** The authorize endpoint redirects back with error=access_denied instead of a code. */
  deny?: boolean;
  token?: "ok" | "server_error" | "garbage" | "hang";
  profile?: "ok" | "server_error" | "garbage" | "other_subject";
  /** Google only: an ID token that a client must not accept. */
  idToken?: "ok" | "wrong_issuer" | "wrong_audience";
}

interface IssuedCode {
  kind: ProviderKind;
  clientId: string;
  redirectUri: string;
  challenge: string;
  user: ProviderUser;
}

export const CLIENTS = {
  google: { id: "google-test-client.apps.googleusercontent.com", secret: "google-test-secret" },
  github: { id: "Iv1.githubtestclient", secret: "github-test-secret" },
} as const;

export const GOOGLE_ISSUER = "https://accounts.google.com";

const randomId = () => Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
const sha256Base64Url = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("base64url");
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

export async function startOAuthProvider({ redirectUris = ["http://127.0.0.1:5500/callback"] }: { redirectUris?: string[] } = {}) {
  const registered = new Set(redirectUris);
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, { kind: ProviderKind; user: ProviderUser }>();
  const users: Record<ProviderKind, ProviderUser> = {
    google: { id: "100000000000000000001", email: "ann@gmail.test", verified: true },
    github: { id: "583231", email: "octo@github.test", verified: true },
  };
  const behaviour: Record<ProviderKind, ProviderBehaviour> = { google: {}, github: {} };
  /** Why the token endpoint last refused, for assertions ("pkce", "client", "redirect_uri", "code"). */
  const refusals: string[] = [];
  const tokenRequests: URLSearchParams[] = [];
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const kid = (await exportJWK(publicKey)).kid ?? "test-key";

  function authorize(kind: ProviderKind, url: URL): Response {
    const q = url.searchParams;
    const redirectUri = q.get("redirect_uri") ?? "";
    // Like real providers: an unknown client or redirect URI is an error page, never a redirect.
    if (q.get("client_id") !== CLIENTS[kind].id) return new Response("unknown client", { status: 400 });
    if (!registered.has(redirectUri)) return new Response("redirect_uri is not registered", { status: 400 });
    const back = new URL(redirectUri);
    const state = q.get("state");
    if (state) back.searchParams.set("state", state);
    if (q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256" || !q.get("code_challenge")) {
      back.searchParams.set("error", "invalid_request");
    } else if (behaviour[kind].deny) {
      back.searchParams.set("error", "access_denied");
    } else {
      const code = randomId();
      codes.set(code, { kind, clientId: CLIENTS[kind].id, redirectUri, challenge: q.get("code_challenge")!, user: { ...users[kind] } });
      back.searchParams.set("code", code);
    }
    return Response.redirect(back.href, 302);
  }

  /** Checks the grant like a real provider; returns the refusal reason or the code's record. */
  function checkGrant(kind: ProviderKind, form: URLSearchParams, request: Request): string | IssuedCode {
    const basic = request.headers.get("authorization")?.match(/^Basic (.+)$/)?.[1];
    const [basicId, basicSecret] = basic ? atob(basic).split(":").map(decodeURIComponent) : [];
    const clientId = form.get("client_id") ?? basicId;
    const secret = form.get("client_secret") ?? basicSecret;
    if (clientId !== CLIENTS[kind].id || secret !== CLIENTS[kind].secret) return "client";
    if (form.get("grant_type") !== "authorization_code") return "grant_type";
    const code = form.get("code") ?? "";
    const issued = codes.get(code);
    codes.delete(code); // single use, even when the rest of the request is wrong
    if (!issued || issued.kind !== kind) return "code";
    if (form.get("redirect_uri") !== issued.redirectUri) return "redirect_uri";
    if (sha256Base64Url(form.get("code_verifier") ?? "") !== issued.challenge) return "pkce";
    return issued;
  }

  async function token(kind: ProviderKind, request: Request): Promise<Response> {
    const mode = behaviour[kind].token ?? "ok";
    if (mode === "hang") await Bun.sleep(30_000);
    if (mode === "server_error")
      return new Response("<html>502 Bad Gateway</html>", { status: 502, headers: { "content-type": "text/html" } });
    if (mode === "garbage") return new Response("<html>Hello</html>", { status: 200, headers: { "content-type": "text/html" } });
    const form = new URLSearchParams(await request.text());
    tokenRequests.push(form);
    const result = checkGrant(kind, form, request);
    if (typeof result === "string") {
      refusals.push(result);
      if (kind === "github") {
        // GitHub answers errors with 200 and an error body.
        const error = { client: "incorrect_client_credentials", redirect_uri: "redirect_uri_mismatch" }[result] ?? "bad_verification_code";
        return json({ error, error_description: `refused: ${result}` });
      }
      return result === "client"
        ? json({ error: "invalid_client" }, 401)
        : json({ error: "invalid_grant", error_description: `refused: ${result}` }, 400);
    }
    const accessToken = `${kind}-at-${randomId()}`;
    accessTokens.set(accessToken, { kind, user: result.user });
    if (kind === "github") {
      const body = { access_token: accessToken, token_type: "bearer", scope: "read:user,user:email" };
      // GitHub answers form-encoded unless the client asks for JSON.
      if (!(request.headers.get("accept") ?? "").includes("application/json")) return new Response(new URLSearchParams(body).toString());
      return json(body);
    }
    const now = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({ email: result.user.email, email_verified: result.user.verified })
      .setProtectedHeader({ alg: "RS256", kid })
      .setIssuer(behaviour.google.idToken === "wrong_issuer" ? "https://accounts.google.test" : GOOGLE_ISSUER)
      .setAudience(behaviour.google.idToken === "wrong_audience" ? "another-client" : result.clientId)
      .setSubject(result.user.id)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(privateKey);
    return json({ access_token: accessToken, token_type: "Bearer", expires_in: 3599, scope: "openid email profile", id_token: idToken });
  }

  function profile(kind: ProviderKind, request: Request, path: string): Response {
    const mode = behaviour[kind].profile ?? "ok";
    if (mode === "server_error") return new Response("oops", { status: 500 });
    if (mode === "garbage") return json({ unexpected: true });
    const granted = accessTokens.get(request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "");
    if (!granted || granted.kind !== kind) {
      return json({ error: "invalid_token" }, 401, { "www-authenticate": 'Bearer error="invalid_token"' });
    }
    const { user } = granted;
    if (kind === "google") {
      const sub = mode === "other_subject" ? `${user.id}9` : user.id;
      return json({ sub, email: user.email, email_verified: user.verified, name: "Test User", picture: "https://example.test/p.png" });
    }
    if (request.headers.get("user-agent") === null) return json({ message: "User-Agent required" }, 403);
    if (path === "/user") return json({ id: Number(user.id), login: `user${user.id}`, name: "Test User", email: null });
    return json([
      { email: user.email, primary: true, verified: user.verified, visibility: "private" },
      ...(user.otherEmails ?? []).map((e) => ({ ...e, primary: false, visibility: null })),
    ]);
  }

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (request.method === "GET" && path === "/google/authorize") return authorize("google", url);
    if (request.method === "POST" && path === "/google/token") return token("google", request);
    if (request.method === "GET" && path === "/google/userinfo") return profile("google", request, path);
    if (request.method === "GET" && path === "/github/login/oauth/authorize") return authorize("github", url);
    if (request.method === "POST" && path === "/github/login/oauth/access_token") return token("github", request);
    if (request.method === "GET" && (path === "/github/api/user" || path === "/github/api/user/emails")) {
      return profile("github", request, path.slice("/github/api".length));
    }
    return new Response("not found", { status: 404 });
  };

  let server: Server<undefined> | null = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handle, idleTimeout: 60 });
  const port = server.port!;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    users,
    behaviour,
    refusals,
    tokenRequests,
    registerRedirectUri: (uri: string) => void registered.add(uri),

    /** The endpoint variables (and credentials) that point the service at this provider. */
    env(redirect: { google?: string; github?: string } = {}): Record<string, string> {
      return {
        GOOGLE_CLIENT_ID: CLIENTS.google.id,
        GOOGLE_CLIENT_SECRET: CLIENTS.google.secret,
        GOOGLE_REDIRECT_URI: redirect.google ?? redirectUris.join(","),
        GOOGLE_AUTHORIZE_URL: `${base}/google/authorize`,
        GOOGLE_TOKEN_URL: `${base}/google/token`,
        GOOGLE_USERINFO_URL: `${base}/google/userinfo`,
        GITHUB_CLIENT_ID: CLIENTS.github.id,
        GITHUB_CLIENT_SECRET: CLIENTS.github.secret,
        GITHUB_REDIRECT_URI: redirect.github ?? redirectUris.join(","),
        GITHUB_AUTHORIZE_URL: `${base}/github/login/oauth/authorize`,
        GITHUB_TOKEN_URL: `${base}/github/login/oauth/access_token`,
        GITHUB_API_URL: `${base}/github/api`,
      };
    },

    /** Follows an auth_url as a consenting browser would; returns the query the provider redirected back with. */
    async approve(authUrl: string): Promise<{ redirectedTo: string; code?: string; state?: string; error?: string }> {
      const response = await fetch(authUrl, { redirect: "manual" });
      const location = response.headers.get("location");
      if (response.status !== 302 || !location) throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
      const back = new URL(location);
      const get = (name: string) => back.searchParams.get(name) ?? undefined;
      return { redirectedTo: `${back.origin}${back.pathname}`, code: get("code"), state: get("state"), error: get("error") };
    },

    /** Resets users' behaviour to normal (users stay as the test set them). */
    reset() {
      behaviour.google = {};
      behaviour.github = {};
    },

    /** Stops listening: connections to the port are refused, as when the provider is down. */
    goDown() {
      server?.stop(true);
      server = null;
    },

    /** Listens again on the same port. */
    comeBack() {
      server ??= Bun.serve({ hostname: "127.0.0.1", port, fetch: handle, idleTimeout: 60 });
    },

    stop() {
      server?.stop(true);
      server = null;
    },
  };
}

export type OAuthProvider = Awaited<ReturnType<typeof startOAuthProvider>>;
