import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { loadConfig } from "../../src/config/load";
import { createSmtpMailer, smtpSettingsFrom } from "../../src/mail/mailer";
import { compileMailTemplates, createMailRenderer } from "../../src/mail/renderer";
import { verificationCodeMail } from "../../src/mail/templates";

const renderer = createMailRenderer(compileMailTemplates());
const codeMail = (code: string, ttlSeconds: number) => renderer.render(verificationCodeMail("code_register", code, ttlSeconds), "en");

// A real SMTP server that requires a login, without TLS so the exchange stays on loopback in clear text.
const USER = "mailer";
const PASS = "smtp-app-password";
let server: SMTPServer;
let port: number;
const received: { from: string; to: string; subject: string; text: string; user: string | undefined }[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASS) return callback(null, { user: auth.username });
      callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address).join(","),
          subject: mail.subject ?? "",
          text: mail.text ?? "",
          user: session.user as string | undefined,
        });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const config = (env: Record<string, string>) =>
  loadConfig({
    DATABASE_URL: "postgres://unused@127.0.0.1/unused",
    REDIS_URL: "redis://127.0.0.1:6379",
    SECRET_KEY: "unused",
    SMTP_SERVER: "127.0.0.1",
    SMTP_PORT: String(port),
    FROM_EMAIL: "sender@otp-auth.test",
    SMTP_TIMEOUT_SECONDS: "3",
    ...env,
  });

describe("SMTP mailer", () => {
  test("logs in with SMTP_USERNAME / SMTP_PASSWORD and sends from FROM_EMAIL", async () => {
    const mailer = createSmtpMailer(smtpSettingsFrom(config({ SMTP_SECURITY: "none", SMTP_USERNAME: USER, SMTP_PASSWORD: PASS })));
    await mailer.send("reader@example.com", codeMail("482913", 300));
    mailer.close();
    const mail = received.at(-1)!;
    expect(mail).toMatchObject({ from: "sender@otp-auth.test", to: "reader@example.com", user: USER });
    expect(mail.subject).toBe("482913 is your verification code");
    expect(mail.text).toContain("expires in 5 minutes");
  });

  test("wrong credentials make the send fail", async () => {
    const mailer = createSmtpMailer(smtpSettingsFrom(config({ SMTP_SECURITY: "none", SMTP_USERNAME: USER, SMTP_PASSWORD: "wrong" })));
    await expect(mailer.send("reader@example.com", codeMail("1234", 60))).rejects.toThrow();
    mailer.close();
  });

  test("with starttls (the default on 587) it refuses to talk to a server that cannot upgrade", async () => {
    const before = received.length;
    const mailer = createSmtpMailer(smtpSettingsFrom(config({ SMTP_USERNAME: USER, SMTP_PASSWORD: PASS })));
    await expect(mailer.send("reader@example.com", codeMail("1234", 60))).rejects.toThrow();
    mailer.close();
    expect(received.length).toBe(before);
  });

  test("an unreachable server fails the send instead of hanging", async () => {
    const closed = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const deadPort = closed.port;
    closed.stop(true);
    const mailer = createSmtpMailer(smtpSettingsFrom(config({ SMTP_SECURITY: "none", SMTP_PORT: String(deadPort) })));
    await expect(mailer.send("reader@example.com", codeMail("1234", 60))).rejects.toThrow();
    mailer.close();
  });
});
