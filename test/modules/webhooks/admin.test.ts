import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { uniqueEmail } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";
import { about, hang, startWebhookReceiver } from "../../support/webhook-receiver";

const ADMIN = { ADMIN_EMAIL: "admin@otp-auth.test", ADMIN_PASSWORD: "admin password long enough" };
const GOOD = `Basic ${Buffer.from(`${ADMIN.ADMIN_EMAIL}:${ADMIN.ADMIN_PASSWORD}`).toString("base64")}`;
const PASSWORD = "correct horse battery";

describe.each(CORE_BACKENDS)("webhook admin API (%s)", (backend) => {
  // WEBHOOK_URL's receiver; retries stop 2 s after an event, so a refused delivery fails within the test.
  const configured = startWebhookReceiver();
  const other = startWebhookReceiver();
  let h: Harness;
  const admin = (method: string, path: string, body?: unknown, authorization = GOOD) =>
    h.call(method, `/auth/admin/webhooks${path}`, body, { authorization });
  const register = (email: string) => h.call("POST", "/auth/register", { email, password: PASSWORD });

  beforeAll(async () => {
    h = await startHarness({
      backend,
      env: {
        ...ADMIN,
        WEBHOOK_URL: `${configured.url}?token=abc`.replace("http://", "http://hook:pa55word@"),
        WEBHOOK_SECRET: configured.secret,
        WEBHOOK_TIMEOUT_SECONDS: "1",
        WEBHOOK_RETRY_BASE_SECONDS: "1",
        WEBHOOK_RETRY_HOURS: "0.0005",
      },
    });
  });
  afterAll(async () => {
    await h.close();
    configured.stop();
    other.stop();
  });

  test("every route wants the admin credentials", async () => {
    const wrong = `Basic ${Buffer.from(`${ADMIN.ADMIN_EMAIL}:nope`).toString("base64")}`;
    for (const [method, path] of [
      ["GET", "/endpoints"],
      ["POST", "/endpoints"],
      ["DELETE", `/endpoints/${crypto.randomUUID()}`],
      ["GET", "/deliveries"],
      ["POST", "/deliveries/1/retry"],
    ] as const) {
      const answer = await admin(method, path, method === "POST" ? { url: other.url } : undefined, wrong);
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe("invalid_admin_credentials");
    }
  });

  test("an endpoint's generated secret is shown once, kept encrypted, and signs what it receives", async () => {
    const created = await admin("POST", "/endpoints", { url: other.url });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created.body.events).toBeNull();
    other.useSecret(created.body.secret);
    const listed = await admin("GET", "/endpoints");
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(listed.body.endpoints).toContainEqual({
      id: created.body.id,
      url: other.url,
      events: null,
      created_at: created.body.created_at,
    });
    // WEBHOOK_URL is shown without its password.
    expect(listed.body.configured.url).toContain("hook:***@");
    expect(listed.body.configured.url).not.toContain("pa55word");
    const [stored] = await h.rows<{ secret: string }>(sql`select secret from webhook_endpoints where id = ${created.body.id}`);
    expect(stored!.secret).not.toContain(created.body.secret.slice("whsec_".length));

    const email = uniqueEmail("endpoint");
    expect((await register(email)).status).toBe(201);
    // Both endpoints get the event, under one webhook-id.
    const [mine] = await other.waitFor(about(email, "user.created"));
    const [theirs] = await configured.waitFor(about(email, "user.created"));
    expect(mine!.id).toBe(theirs!.id);
    expect(other.rejected()).toBe(0);

    expect((await admin("DELETE", `/endpoints/${created.body.id}`)).status).toBe(200);
    expect((await admin("DELETE", `/endpoints/${created.body.id}`)).body.code).toBe("webhook_endpoint_not_found");
    const [left] = await h.rows<{ n: number }>(
      sql`select count(*)::int as n from webhook_deliveries where endpoint_id = ${created.body.id}`,
    );
    expect(left!.n).toBe(0);
  });

  test("an endpoint with a secret of its own receives only the events it subscribed to", async () => {
    const created = await admin("POST", "/endpoints", { url: other.url, secret: configured.secret, events: ["user.verified"] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toBe(configured.secret);
    other.useSecret(configured.secret);
    const email = uniqueEmail("subscribed");
    await h.signUp(email);
    await other.waitFor(about(email, "user.verified"));
    await configured.waitFor(about(email, "user.signed_in"));
    const types = await h.rows<{ event_type: string }>(
      sql`select event_type from webhook_deliveries where endpoint_id = ${created.body.id}`,
    );
    expect(types.map((row) => row.event_type)).toEqual(["user.verified"]);
    await admin("DELETE", `/endpoints/${created.body.id}`);
  });

  test("a bad endpoint is refused naming the field, never echoing the secret", async () => {
    const secret = "whsec_dG9vIHNob3J0";
    for (const body of [{ url: other.url, secret }, { url: "ftp://example.com" }, { url: other.url, events: ["user.exploded"] }]) {
      const answer = await admin("POST", "/endpoints", body);
      expect(answer.status).toBe(422);
      expect(answer.body.code).toBe("validation_failed");
      expect(JSON.stringify(answer.body)).not.toContain("dG9vIHNob3J0");
    }
  });

  test("deliveries are listed a page at a time; a failed one is sent again on retry", async () => {
    configured.respondWith(() => new Response(null, { status: 503 }));
    const email = uniqueEmail("retry");
    expect((await register(email)).status).toBe(201);
    let failed: any;
    for (const deadline = Date.now() + 20_000; !failed; await Bun.sleep(50)) {
      if (Date.now() > deadline) throw new Error("the delivery never failed");
      const page = await admin("GET", "/deliveries?status=failed&event=user.created&endpoint_id=configured&limit=200");
      expect(page.status).toBe(200);
      failed = page.body.deliveries.find((delivery: any) =>
        configured.attempts.some((a) => a.id === delivery.webhook_id && a.event.data.email === email),
      );
    }
    expect(failed).toMatchObject({ status: "failed", endpoint_id: null, event: "user.created", last_status: 503, next_attempt_at: null });
    expect(failed.attempts).toBeGreaterThanOrEqual(2);

    configured.respondWith();
    const retried = await admin("POST", `/deliveries/${failed.id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body.status).toBe("pending");
    await configured.waitFor(about(email, "user.created"));

    const first = await admin("GET", "/deliveries?limit=1");
    expect(first.body.deliveries).toHaveLength(1);
    const second = await admin("GET", `/deliveries?limit=1&cursor=${first.body.next_cursor}`);
    expect(second.body.deliveries[0].id).toBeLessThan(first.body.deliveries[0].id);
    expect((await admin("POST", "/deliveries/999999999/retry")).body.code).toBe("webhook_delivery_not_found");
  });

  test("a delivery with an attempt in flight is not retried", async () => {
    configured.respondWith(hang);
    const email = uniqueEmail("in-flight");
    expect((await register(email)).status).toBe(201);
    let attempt: any;
    for (const deadline = Date.now() + 10_000; !attempt; await Bun.sleep(20)) {
      if (Date.now() > deadline) throw new Error("no attempt arrived");
      attempt = configured.attempts.find((a) => a.event.data.email === email);
    }
    const [row] = await h.rows<{ id: number }>(sql`select id from webhook_deliveries where message_id = ${attempt.id}`);
    const refused = await admin("POST", `/deliveries/${row!.id}/retry`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("webhook_delivery_in_flight");
    configured.respondWith();
  });
});
