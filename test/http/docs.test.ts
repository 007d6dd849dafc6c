import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startHarness, type Harness } from "../support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("API documentation", () => {
  test("/docs/json is an OpenAPI 3 document with real schemas for every route", async () => {
    const { status, body: spec } = await h.call("GET", "/docs/json");
    expect(status).toBe(200);
    expect(spec.openapi).toStartWith("3.");
    const routes = ["/auth/register", "/auth/verify-otp", "/auth/resend-otp", "/auth/login"];
    for (const path of routes) {
      const op = spec.paths[path].post;
      const schema = op.requestBody.content["application/json"].schema;
      expect(schema.type).toBe("object");
      expect(schema.required).toContain("email");
      const ok = op.responses["200"] ?? op.responses["201"];
      expect(ok.content["application/json"].schema.type).toBe("object");
      expect(op.responses["422"].content["application/json"].schema.properties.detail.type).toBe("string");
    }
    const register = spec.paths["/auth/register"].post.requestBody.content["application/json"].schema;
    expect(register.properties.password).toMatchObject({ type: "string", minLength: 8, maxLength: 128 });
    const me = spec.paths["/auth/me"].get;
    expect(Object.keys(me.responses["200"].content["application/json"].schema.properties).sort()).toEqual([
      "auth_provider",
      "created_at",
      "email",
      "id",
      "is_active",
      "is_verified",
      "role",
    ]);
    expect(spec.paths["/health"].get).toBeDefined();
    expect(spec.paths["/ready"].get).toBeDefined();
  });

  test("sessions, passwords and the admin API are documented with their bodies and security", async () => {
    const { body: spec } = await h.call("GET", "/docs/json");
    const bodyOf = (path: string, method: string) => spec.paths[path][method].requestBody.content["application/json"].schema;
    expect(bodyOf("/auth/refresh", "post").required).toEqual(["refresh_token"]);
    expect(bodyOf("/auth/password/forgot", "post").required).toEqual(["email"]);
    expect(bodyOf("/auth/password/reset", "post").required.sort()).toEqual(["code", "email", "new_password"]);
    expect(bodyOf("/auth/password/change", "post").required.sort()).toEqual(["current_password", "new_password"]);
    const login = spec.paths["/auth/login"].post.responses["200"].content["application/json"].schema;
    expect(Object.keys(login.properties).sort()).toEqual([
      "access_token",
      "account_deletion_due_at",
      "expires_in",
      "refresh_token",
      "token_type",
    ]);
    // Present only while a deletion is pending: the original's clients see the answer they know.
    expect(login.required.sort()).toEqual(["access_token", "expires_in", "refresh_token", "token_type"]);
    const bearerRoutes: [string, string][] = [
      ["/auth/logout", "post"],
      ["/auth/sessions", "get"],
      ["/auth/sessions/{id}", "delete"],
      ["/auth/password/change", "post"],
      ["/auth/account/delete", "post"],
      ["/auth/account/delete/code", "post"],
      ["/auth/account/deletion", "get"],
      ["/auth/account/deletion", "delete"],
      ["/auth/account/export", "get"],
    ];
    bearerRoutes.push(["/auth/email/change", "post"], ["/auth/email/change/code", "post"], ["/auth/email/change/confirm", "post"]);
    expect(spec.paths["/auth/email/change/cancel"].post.security).toBeUndefined();
    expect(bodyOf("/auth/email/change", "post").required).toEqual(["new_email"]);
    expect(spec.paths["/auth/account/delete/cancel"].post.security).toBeUndefined();
    expect(bodyOf("/auth/account/delete/cancel", "post").required).toEqual(["token"]);
    expect(Object.keys(bodyOf("/auth/account/delete", "post").properties).sort()).toEqual(["code", "password"]);
    expect(
      Object.keys(spec.paths["/auth/account/export"].get.responses["200"].content["application/json"].schema.properties).sort(),
    ).toEqual(["audit_events", "email_changes", "exported_at", "oauth_accounts", "profile", "second_factors", "sessions"]);
    // The mailing routes document their optional language.
    for (const path of ["/auth/register", "/auth/login", "/auth/resend-otp", "/auth/code/send", "/auth/password/forgot"])
      expect(bodyOf(path, "post").properties.locale).toMatchObject({ type: "string" });
    for (const [path, method] of bearerRoutes) {
      expect(spec.paths[path][method].security).toEqual([{ bearerAuth: [] }]);
    }
    const adminRoutes: [string, string][] = [
      ["/auth/admin/users", "get"],
      ["/auth/admin/users", "post"],
      ["/auth/admin/users/{id}", "put"],
      ["/auth/admin/users/{id}", "delete"],
    ];
    for (const [path, method] of adminRoutes) {
      expect(spec.paths[path][method].security).toEqual([{ adminBasic: [] }, { bearerAuth: [] }]);
      expect(spec.paths[path][method].responses["401"]).toBeDefined();
    }
    expect(spec.components.securitySchemes.adminBasic).toMatchObject({ type: "http", scheme: "basic" });
    // Only JSON is accepted (anything else is 415), so only JSON is offered.
    for (const [path, methods] of Object.entries(spec.paths as Record<string, Record<string, { requestBody?: { content: object } }>>)) {
      for (const [method, op] of Object.entries(methods)) {
        if (op.requestBody)
          expect({ path, method, types: Object.keys(op.requestBody.content) }).toEqual({ path, method, types: ["application/json"] });
      }
    }
    const list = spec.paths["/auth/admin/users"].get;
    expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["cursor", "limit", "provider", "q", "status"]);
  });

  test("every sign-in method's route is in the document: emailed code, second factor, passkeys", async () => {
    const { body: spec } = await h.call("GET", "/docs/json");
    const routes: [string, string, boolean][] = [
      ["/auth/code/send", "post", false],
      ["/auth/code/sign-in", "post", false],
      ["/auth/mfa/verify", "post", false],
      ["/auth/mfa", "get", true],
      ["/auth/mfa/totp/enroll", "post", true],
      ["/auth/mfa/totp/confirm", "post", true],
      ["/auth/mfa/totp/disable", "post", true],
      ["/auth/passkeys/sign-in/options", "post", false],
      ["/auth/passkeys/sign-in", "post", false],
      ["/auth/passkeys/register/options", "post", true],
      ["/auth/passkeys/register", "post", true],
      ["/auth/passkeys", "get", true],
      ["/auth/passkeys/{id}", "patch", true],
      ["/auth/passkeys/{id}", "delete", true],
    ];
    for (const [path, method, bearer] of routes) {
      const op = spec.paths[path]?.[method];
      expect({ path, method, documented: Boolean(op?.summary) }).toEqual({ path, method, documented: true });
      expect({ path, security: op.security }).toEqual({ path, security: bearer ? [{ bearerAuth: [] }] : undefined });
    }
    const signIn = spec.paths["/auth/passkeys/sign-in"].post;
    expect(signIn.requestBody.content["application/json"].schema.required).toEqual(["response"]);
    expect(Object.keys(signIn.responses["200"].content["application/json"].schema.properties).sort()).toEqual([
      "access_token",
      "expires_in",
      "refresh_token",
      "token_type",
    ]);
  });

  test("/docs is Swagger UI whose script and style are served by us, not a CDN, with no inline script", async () => {
    const res = await h.app.handle(new Request("http://localhost/docs"));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toMatch(/unpkg|jsdelivr|cdnjs/);
    // Every script is a file (the CSP allows scripts from 'self' only).
    expect(html).not.toMatch(/<script>|<script(?![^>]*\ssrc=)[^>]*>/);
    const assets = [...html.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.sort()).toEqual(["/docs/assets/swagger-init.js", "/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"]);
    const fetched = new Map<string, string>();
    for (const asset of assets) {
      const file = await h.app.handle(new Request(`http://localhost${asset}`));
      expect(file.status).toBe(200);
      fetched.set(asset, await file.text());
    }
    expect(fetched.get("/docs/assets/swagger-ui-bundle.js")!.length).toBeGreaterThan(10_000);
    expect(fetched.get("/docs/assets/swagger-ui.css")!.length).toBeGreaterThan(10_000);
    expect(fetched.get("/docs/assets/swagger-init.js")).toContain('SwaggerUIBundle({ url: "docs/json"');
  });

  test("/metrics is described, with its text answer and its optional bearer token", async () => {
    const { body: spec } = await h.call("GET", "/docs/json");
    const metrics = spec.paths["/metrics"].get;
    expect(Object.keys(metrics.responses["200"].content)).toEqual(["text/plain"]);
    expect(metrics.responses["401"].content["application/json"].schema.properties.detail.type).toBe("string");
    expect(metrics.security).toEqual([{ metricsToken: [] }]);
    expect(spec.components.securitySchemes.metricsToken).toMatchObject({ type: "http", scheme: "bearer" });
  });
});
