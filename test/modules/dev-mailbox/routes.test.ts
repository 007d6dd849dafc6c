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
    const mailer = createSmtpMailer({ host: "127.0.0.1", port: h.deps.mailCatcher!.port, security: "none", timeoutSeconds: 5, from: "x@otp-auth.test" });
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
