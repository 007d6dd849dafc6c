import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createSmtpMailer } from "../../../src/mail/mailer";
import { uniqueEmail } from "../../support/env";
import { startHarness, type Harness } from "../../support/harness";

describe("development mailbox (embedded defaults)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend: "embedded" });
  });
  afterAll(() => h.close());

  test("mails sent over SMTP to the catcher are listed in /dev/mailbox.json, newest first", async () => {
    const email = uniqueEmail("mailbox");
    expect((await h.call("POST", "/auth/register", { email, password: "correct horse battery" })).status).toBe(201);
    h.clock.advance(60_000);
    expect((await h.call("POST", "/auth/resend-otp", { email })).status).toBe(200);

    const res = await h.call("GET", "/dev/mailbox.json");
    expect(res.status).toBe(200);
    const mine = res.body.messages.filter((m: { to: string[] }) => m.to.includes(email));
    expect(mine.length).toBe(2);
    expect(mine[0].id).toBeGreaterThan(mine[1].id);
    expect(mine[0].from).toBe("otp-auth@localhost");
    const code = /verification code is: (\d+)/.exec(mine[0].text)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    expect((await h.call("POST", "/auth/verify-otp", { email, code })).status).toBe(200);
  });

  test("the inbox page shows mails escaped, under a CSP that allows no script", async () => {
    const to = uniqueEmail("escape");
    const mailer = createSmtpMailer({
      host: "127.0.0.1",
      port: h.deps.mailCatcher!.port,
      security: "none",
      timeoutSeconds: 5,
      from: "x@otp-auth.test",
    });
    await mailer.send(to, { subject: "<script>alert(1)</script>", text: "<img src=x onerror=alert(1)>", html: "<b>hi</b>" });
    mailer.close();

    const res = await h.app.handle(new Request("http://localhost/dev/mailbox"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src");
    const page = await res.text();
    expect(page).toContain(to);
    expect(page).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(page).not.toContain("<script>");
    expect(page).not.toContain("<img src=x");
  });
});

describe("development mailbox with real SMTP configured", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  test("is not mounted: /dev/mailbox and /dev/mailbox.json are 404", async () => {
    expect(h.deps.mailCatcher).toBeNull();
    expect((await h.call("GET", "/dev/mailbox")).status).toBe(404);
    expect((await h.call("GET", "/dev/mailbox.json")).status).toBe(404);
  });
});

describe("development mailbox over a real socket (DNS rebinding)", () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness({ backend: "embedded" });
    h.app.listen({ hostname: "127.0.0.1", port: 0 });
    port = h.app.server!.port!;
  });
  afterAll(async () => {
    await h.app.stop();
    await h.close();
  });

  // Bun's fetch sends the Host header it is given, as a rebound browser would send the attacker's name.
  const get = (path: string, host: string) => fetch(`http://127.0.0.1:${port}${path}`, { headers: { host } });

  test("answers a Host naming a loopback address at the port it listens on", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      for (const path of ["/dev/mailbox", "/dev/mailbox.json"])
        expect({ host, path, status: (await get(path, host)).status }).toEqual({ host, path, status: 200 });
    }
  });

  test("any other Host gets a JSON 421 and no mail", async () => {
    const email = uniqueEmail("rebind");
    expect((await h.call("POST", "/auth/register", { email, password: "correct horse battery" })).status).toBe(201);
    const forged = [
      `rebind.example:${port}`,
      "rebind.example",
      `127.0.0.1.nip.io:${port}`,
      `localhost.:${port}`,
      `sub.localhost:${port}`,
      `localhost:${port + 1}`,
      "127.0.0.1",
    ];
    for (const host of forged) {
      for (const path of ["/dev/mailbox", "/dev/mailbox.json"]) {
        const res = await get(path, host);
        const text = await res.text();
        expect({ host, path, status: res.status }).toEqual({ host, path, status: 421 });
        expect(res.headers.get("content-type")).toContain("application/json");
        expect(JSON.parse(text)).toMatchObject({ code: "misdirected_request" });
        expect(JSON.parse(text).detail).toContain("127.0.0.1");
        expect(text).not.toContain(email);
      }
    }
    // Only the mailbox is bound to its loopback names; the API answers whatever name a proxy gives it.
    expect((await get("/health", "rebind.example")).status).toBe(200);
  });
});
