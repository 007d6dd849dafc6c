import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { forgedBasicHeaders, forgedBearerHeaders } from "../support/forged-tokens";
import { serverPublicKeys, serverSigner } from "../support/server-tokens";
import { createFuzzer, type FuzzCredentials } from "../support/fuzz-requests";
import { SECRET_CANARY } from "../support/hostile-values";
import { startOAuthProvider, type OAuthProvider } from "../support/oauth-provider";
import { routesFromOpenApi, type ApiRoute } from "../support/openapi-routes";
import { answerProblems } from "../support/response-checks";
import { seededRandom, runSeed } from "../support/seeded-random";
import { uniqueEmail } from "../support/env";
import { CORE_BACKENDS, startHarness, TEST_SECRET, type Backend, type Harness } from "../support/harness";

/**
 * Thousands of seeded, malformed requests to every operation of the OpenAPI document (so a new route is
 * fuzzed without being listed here), in-process through `app.handle`. Replay a failure with the seed it
 * prints: `FUZZ_SEED=<seed> bun test test/attack/fuzz.test.ts`.
 */

const SEED = runSeed();
// The embedded backend shares every line of input handling with the services one; it runs fewer requests
// for what differs below it (PGlite and the in-process store meeting odd strings).
// FUZZ_SCALE=10 runs ten times as many, for a deeper look than CI's.
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
// Enough that each route draws well over the 20 requests checked below (with 45 routes, about 65 each on the
// embedded backend); 1,200 left a route at 19 once the second factor, webhook and key routes were added.
const REQUESTS: Partial<Record<Backend, number>> = { services: 4800 * SCALE, embedded: 3000 * SCALE };
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 16);
const ADMIN = { email: "admin@example.com", password: "admin-password-0123456789" };
const METRICS_TOKEN = "metrics-token-0123456789";
const PASSWORD = "correct horse battery";

// Answers given before a handler runs: refused by a guard, by validation or by routing.
const BEFORE_HANDLER = new Set([
  "malformed_body",
  "unsupported_media_type",
  "body_too_large",
  "length_required",
  "validation_failed",
  "not_found",
  "invalid_token",
  "invalid_admin_credentials",
  "metrics_unauthorized",
  "rate_limited",
]);

console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`);

let idp: OAuthProvider;
beforeAll(async () => {
  idp = await startOAuthProvider();
});
afterAll(() => idp?.stop());

describe.each(CORE_BACKENDS)("fuzzing every route (%s)", (backend) => {
  const requests = REQUESTS[backend]!;
  let h: Harness;
  let routes: ApiRoute[];
  let credentials: FuzzCredentials;
  let revokedToken: string;

  beforeAll(async () => {
    h = await startHarness({
      backend,
      env: {
        ...idp.env(),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        METRICS_TOKEN,
        TRUST_PROXY: "1",
        // Hashing cost says nothing about input handling; cheap hashes let the run reach more requests.
        PASSWORD_MEMORY_KIB: "1024",
        PASSWORD_TIME_COST: "1",
      },
    });
    routes = routesFromOpenApi((await h.call("GET", "/docs/json")).body);
    // Users the admin routes may change or delete, made first so that small ids point at them.
    const targets = [];
    for (let i = 0; i < 4; i++)
      targets.push(
        await h.deps.admin.createUser(
          { email: uniqueEmail("target"), password: PASSWORD, is_active: true, is_verified: true },
          { ip: null, userAgent: null },
        ),
      );
    let owner = { email: uniqueEmail("fuzz-owner"), id: 0 };
    const first = await h.signUp(owner.email, PASSWORD);
    owner.id = (await h.callAs(first.access_token, "GET", "/auth/me")).body.id;
    const logout = await h.signUp(uniqueEmail("revoked"), PASSWORD);
    await h.callAs(logout.access_token, "POST", "/auth/logout");
    revokedToken = logout.access_token;

    /** A new session for the fuzz's own user; a new user when the fuzz's admin requests disabled or deleted it. */
    async function session() {
      for (let attempt = 0; ; attempt++) {
        try {
          const tokens = await h.deps.sessions.startSession(owner, { ip: null, userAgent: null }, new Date(h.clock.now()));
          const { sid } = JSON.parse(Buffer.from(tokens.access_token.split(".")[1]!, "base64url").toString());
          return { access: tokens.access_token, refresh: tokens.refresh_token, sessionId: sid as string };
        } catch (error) {
          if (attempt > 2) throw error;
          const email = uniqueEmail("fuzz-owner");
          owner = {
            email,
            id: (
              await h.deps.admin.createUser(
                { email, password: PASSWORD, is_active: true, is_verified: true },
                { ip: null, userAgent: null },
              )
            ).id,
          };
        }
      }
    }
    const valid = await session();
    credentials = {
      session,
      forgedBearer: [
        ...(await forgedBearerHeaders({
          sign: serverSigner(h.deps),
          secret: TEST_SECRET,
          publicKeys: serverPublicKeys(h.deps),
          validToken: valid.access,
          userId: owner.id,
          sessionId: valid.sessionId,
          nowSeconds: Math.floor(h.clock.now() / 1000),
        })),
        `Bearer ${revokedToken}`,
      ],
      validBasic: `Basic ${btoa(`${ADMIN.email}:${ADMIN.password}`)}`,
      forgedBasic: forgedBasicHeaders(ADMIN.email, ADMIN.password),
      metricsToken: METRICS_TOKEN,
      knownEmails: [owner.email, ...targets.map((t) => t.email)],
      targetUserIds: targets.map((t) => t.id),
      redirectUris: ["http://127.0.0.1:5500/callback"],
    };
  }, 60_000);
  afterAll(() => h?.close());

  test("the fuzz covers every operation of the API document", () => {
    const names = routes.map((route) => route.name);
    for (const expected of [
      "POST /auth/register",
      "POST /auth/refresh",
      "DELETE /auth/sessions/{id}",
      "PUT /auth/admin/users/{id}",
      "GET /metrics",
      "POST /auth/oauth/{provider}/callback",
    ]) {
      expect(names).toContain(expected);
    }
    expect(routes.filter((route) => route.auth === "bearer").length).toBeGreaterThanOrEqual(5);
    expect(routes.filter((route) => route.auth === "admin").length).toBeGreaterThanOrEqual(5);
  });

  test("every forged bearer token and Basic credential is refused with 401 on every route that needs one", async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.auth !== null)) {
      const forged = route.auth === "admin" ? credentials.forgedBasic : credentials.forgedBearer;
      // Users and deliveries have numeric ids; sessions and webhook endpoints UUIDs.
      const numericId = route.auth === "admin" && !route.path.includes("/webhooks/endpoints/");
      const path = route.path
        .replace("{id}", numericId ? String(credentials.targetUserIds[0]) : crypto.randomUUID())
        .replace("{session_id}", crypto.randomUUID());
      for (const authorization of [...forged, undefined]) {
        const body = route.body
          ? JSON.stringify({
              email: uniqueEmail("forged"),
              new_email: uniqueEmail("forged-new"),
              password: PASSWORD,
              current_password: PASSWORD,
              new_password: "another password",
              is_active: false,
              url: "http://127.0.0.1:1/hook",
              code: "123456",
              name: "forged",
              // A passkey answer of the right shape, so only the credentials decide.
              response: {
                id: "AAAA",
                rawId: "AAAA",
                type: "public-key",
                response: { clientDataJSON: "e30", attestationObject: "oA" },
                clientExtensionResults: {},
              },
            })
          : undefined;
        const headers: Record<string, string> = body ? { "content-type": "application/json" } : {};
        if (authorization !== undefined) headers.authorization = authorization;
        const response = await h.app.handle(new Request(`http://localhost${path}`, { method: route.method, headers, body }));
        const text = await response.text();
        const problems = answerProblems({ status: response.status, headers: response.headers, text }, { method: route.method });
        if (response.status !== 401) problems.push(`status ${response.status}: ${text.slice(0, 120)}`);
        if (problems.length) failures.push(`${route.name} with ${JSON.stringify(authorization?.slice(0, 80))}: ${problems.join("; ")}`);
      }
    }
    expect(failures).toEqual([]);
    // Nothing was changed by the refused admin requests.
    const target = await h.call("GET", `/auth/admin/users?q=${encodeURIComponent(credentials.knownEmails[1]!)}`, undefined, {
      authorization: credentials.validBasic,
    });
    expect(target.body.users[0].is_active).toBe(true);
  }, 60_000);

  test(
    `${requests} seeded malformed requests: never a 5xx, every error {detail, code}, nothing echoed`,
    async () => {
      const random = seededRandom(SEED + (backend === "services" ? 0 : 1));
      const fuzzer = createFuzzer(random, credentials);
      const failures: string[] = [];
      const seen = new Map<string, { total: number; statuses: Map<number, number>; handled: number; validation: number }>();
      let unbuildable = 0;
      const slowest: { ms: number; what: string }[] = [];
      const started = performance.now();

      async function runOne(route: ApiRoute) {
        let fuzzCase;
        try {
          fuzzCase = await fuzzer.next(route);
        } catch (error) {
          // A value no HTTP client can send (a header that is not a byte string): not a request.
          if (error instanceof TypeError) return void unbuildable++;
          throw error;
        }
        const t0 = performance.now();
        const response = await h.app.handle(fuzzCase.request);
        const text = await response.text();
        slowest.push({ ms: performance.now() - t0, what: `${fuzzCase.description.slice(0, 200)} → ${response.status}` });
        const problems = answerProblems(
          { status: response.status, headers: response.headers, text },
          { method: fuzzCase.request.method, secrets: fuzzCase.secrets },
        );
        if (problems.length) failures.push(`${fuzzCase.description}\n    → ${response.status} ${problems.join("; ")}`);
        const stats = seen.get(route.name) ?? { total: 0, statuses: new Map(), handled: 0, validation: 0 };
        seen.set(route.name, stats);
        stats.total++;
        stats.statuses.set(response.status, (stats.statuses.get(response.status) ?? 0) + 1);
        let code: unknown;
        try {
          code = JSON.parse(text).code;
        } catch {
          // a 2xx that is not JSON (metrics)
        }
        if (response.status === 422) stats.validation++;
        if (response.status < 300 || (typeof code === "string" && !BEFORE_HANDLER.has(code))) stats.handled++;
      }

      for (let i = 0; i < requests; i += CONCURRENCY) {
        await Promise.all(Array.from({ length: CONCURRENCY }, () => runOne(random.pick(routes))));
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(
        slowest
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 3)
          .map((s) => `  slowest: ${s.ms.toFixed(0)} ms ${s.what}`)
          .join("\n"),
      );
      const statuses = new Map<number, number>();
      for (const stats of seen.values())
        for (const [status, count] of stats.statuses) statuses.set(status, (statuses.get(status) ?? 0) + count);
      console.log(
        `fuzz (${backend}, seed ${SEED}): ${requests} requests in ${seconds.toFixed(1)} s, ${unbuildable} unbuildable; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
      );

      expect(failures.slice(0, 15), `seed ${SEED}: ${failures.length} bad answers; replay with FUZZ_SEED=${SEED}`).toEqual([]);
      // The fuzz reached past the guards: every route answered from its handler at least once, and every
      // route with a body met its validation.
      for (const route of routes) {
        const stats = seen.get(route.name);
        expect(stats?.total ?? 0, `${route.name} was fuzzed (seed ${SEED})`).toBeGreaterThan(20);
        expect(stats!.handled, `${route.name} reached its handler (seed ${SEED})`).toBeGreaterThan(0);
        if (route.body) expect(stats!.validation, `${route.name} met its validation (seed ${SEED})`).toBeGreaterThan(0);
      }
      expect(unbuildable).toBeLessThan(requests / 20);
      // No line of the run's log holds a secret the fuzz sent, or an unexpected error.
      const logs = h.logs.join("\n");
      expect(SECRET_CANARY.test(logs)).toBe(false);
      expect(h.logs.filter((line) => line.includes("unhandled error"))).toEqual([]);
    },
    120_000 * SCALE,
  );

  test("afterwards the service answers normally: register → verify → login → /auth/me", async () => {
    const email = uniqueEmail("after-fuzz");
    await h.signUp(email, PASSWORD);
    const login = await h.logIn(email, PASSWORD);
    const me = await h.callAs(login.access_token, "GET", "/auth/me");
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(email);
    expect((await h.call("GET", "/ready")).status).toBe(200);
  }, 30_000);
});
