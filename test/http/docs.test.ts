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
    expect(Object.keys(login.properties).sort()).toEqual(["access_token", "expires_in", "refresh_token", "token_type"]);
    const bearerRoutes: [string, string][] = [
      ["/auth/logout", "post"],
      ["/auth/sessions", "get"],
      ["/auth/sessions/{id}", "delete"],
      ["/auth/password/change", "post"],
    ];
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
      expect(spec.paths[path][method].security).toEqual([{ adminBasic: [] }]);
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
    expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["cursor", "limit", "q"]);
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
