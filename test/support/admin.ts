import { afterAll, beforeAll } from "bun:test";
import { uniqueEmail } from "./env";
import { startHarness, type Backend, type Harness } from "./harness";
import { jsonOrText } from "./http-client";

export const ADMIN_ENV = { ADMIN_EMAIL: "admin@otp-auth.test", ADMIN_PASSWORD: "admin password long enough" };
export const basicAuth = (user = ADMIN_ENV.ADMIN_EMAIL, password = ADMIN_ENV.ADMIN_PASSWORD) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

export interface HttpAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export interface AdminSuite {
  h: Harness;
  /** `http://127.0.0.1:<port>`: the harness's app on a real listener. */
  base: string;
  /** A JSON request over real HTTP; `auth` is a bearer token or a whole Authorization header (`Basic ...`). */
  http(method: string, path: string, body?: unknown, auth?: string): Promise<HttpAnswer>;
  /** A new verified user given the admin role (over Basic); their id and an access token opened before the grant. */
  newAdmin(label?: string): Promise<{ id: number; email: string; token: string }>;
  /** A new verified user: id, email and access token. */
  newUser(label?: string): Promise<{ id: number; email: string; token: string }>;
}

/**
 * For the describe block it is called in: a harness on `backend` with ADMIN_EMAIL/ADMIN_PASSWORD (plus `env`),
 * served on a loopback port, so the admin API is tested through real HTTP.
 */
export function adminSuite(backend: Backend, env: Record<string, string> = {}): AdminSuite {
  const suite = {} as AdminSuite;
  let app: Harness["app"] | undefined;
  beforeAll(async () => {
    suite.h = await startHarness({ backend, env: { ...ADMIN_ENV, ...env } });
    app = suite.h.app;
    app.listen({ hostname: "127.0.0.1", port: 0 });
    suite.base = `http://127.0.0.1:${app.server!.port}`;
  });
  afterAll(async () => {
    await app?.stop();
    await suite.h?.close();
  });
  suite.http = async (method, path, body, auth) => {
    const headers: Record<string, string> = {};
    if (auth) headers.authorization = /^(Basic|Bearer) /.test(auth) ? auth : `Bearer ${auth}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${suite.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: jsonOrText(await response.text()), headers: response.headers };
  };
  suite.newUser = async (label = "user") => {
    const email = uniqueEmail(label);
    const token = await suite.h.createVerifiedUser(email);
    const me = await suite.http("GET", "/auth/me", undefined, token);
    return { id: me.body.id as number, email, token };
  };
  suite.newAdmin = async (label = "admin") => {
    const user = await suite.newUser(label);
    const granted = await suite.http("PUT", `/auth/admin/users/${user.id}`, { role: "admin" }, basicAuth());
    if (granted.status !== 200) throw new Error(`grant failed: ${granted.status} ${JSON.stringify(granted.body)}`);
    return user;
  };
  return suite;
}
