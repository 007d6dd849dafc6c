import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../../package.json";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_REDIS_URL, uniqueEmail } from "../support/env";
import { freePort } from "../support/free-port";
import { startHarness } from "../support/harness";
import { DEV_ENTRY, runToEnd, startProcess } from "../support/process";
import { smtpEnv, startSmtpInbox, type SmtpInbox } from "../support/smtp-inbox";

let inbox: SmtpInbox;
let database: TestDatabase;
let folder: string;
beforeAll(async () => {
  inbox = await startSmtpInbox();
  database = await createTestDatabase({ migrate: false });
  folder = await mkdtemp(join(tmpdir(), "otp-auth-cli-"));
});
afterAll(async () => {
  await inbox.close();
  await database.drop();
  await rm(folder, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) =>
  runToEnd([...DEV_ENTRY, ...args], { PATH: process.env.PATH ?? "", ...env }, folder);

const cliSmtpEnv = () => smtpEnv(inbox, "cli@otp-auth.test");

describe("otp-auth command line", () => {
  test("--help lists every command and option; --version prints the package version", async () => {
    const help = await cli(["--help"]);
    expect(help.exitCode).toBe(0);
    for (const word of ["serve", "migrate", "smtp-test <to>", "mail-preview <template>", "doctor", "healthcheck", "--port", "--version"])
      expect(help.stdout).toContain(word);
    const version = await cli(["--version"]);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toBe(packageJson.version);
  });

  test("an unknown command or option is exit code 2 with the usage", async () => {
    for (const args of [["launch"], ["--bogus"]]) {
      const result = await cli(args);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain("Usage: otp-auth");
    }
  });

  test("smtp-test delivers a test mail through the configured SMTP server", async () => {
    const to = uniqueEmail("smtp-test");
    const result = await cli(["smtp-test", to], cliSmtpEnv());
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Test mail to ${to} accepted by 127.0.0.1:${inbox.port}`);
    const [mail] = inbox.mailTo(to);
    expect(mail?.subject).toBe("otp-auth SMTP test");
    expect(mail?.from).toBe("cli@otp-auth.test");
  });

  test("smtp-test prints the failure and exits 1 when the server refuses or is unreachable", async () => {
    inbox.refuseMail(true);
    try {
      const refused = await cli(["smtp-test", uniqueEmail()], cliSmtpEnv());
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain("SMTP test failed");
      expect(refused.stderr).toContain("550");
    } finally {
      inbox.refuseMail(false);
    }
    const unreachable = await cli(["smtp-test", uniqueEmail()], {
      ...cliSmtpEnv(),
      SMTP_PORT: String(freePort()),
      SMTP_TIMEOUT_SECONDS: "2",
    });
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stderr).toContain("ECONNREFUSED");
  });

  test("smtp-test without SMTP_SERVER, or without an address, says what is missing", async () => {
    const noServer = await cli(["smtp-test", "someone@example.com"]);
    expect(noServer.exitCode).toBe(1);
    expect(noServer.stderr).toContain("SMTP_SERVER is not set");
    const noAddress = await cli(["smtp-test"], cliSmtpEnv());
    expect(noAddress.exitCode).toBe(2);
    expect(noAddress.stderr).toContain("Usage: otp-auth smtp-test <to-address>");
  });

  test("mail-preview prints a mail's subject, text and HTML with sample values, in the language asked for", async () => {
    const german = await cli(["mail-preview", "code_register", "--locale", "de"]);
    expect(german.exitCode).toBe(0);
    expect(german.stdout).toContain("Subject: 123456 ist Ihr Bestätigungscode");
    expect(german.stdout).toContain("--- text ---\nIhr Bestätigungscode lautet: 123456");
    expect(german.stdout).toMatch(/--- html ---\n<!doctype html>[\s\S]*123456/);
    const byDefault = await cli(["mail-preview", "password_changed"], { DEFAULT_LOCALE: "es" });
    expect(byDefault.exitCode).toBe(0);
    expect(byDefault.stdout).toContain("Subject: Tu contraseña ha cambiado");
  });

  test("mail-preview shows MAIL_TEMPLATES_DIR's files, and names an unknown template or locale with the valid ones", async () => {
    const templates = join(folder, "preview-templates");
    await mkdir(join(templates, "fr"), { recursive: true });
    await writeFile(join(templates, "fr", "code_signin.subject.liquid"), "Acme · {{ code }}");
    const custom = await cli(["mail-preview", "code_signin", "--locale", "fr"], { MAIL_TEMPLATES_DIR: templates });
    expect(custom.exitCode).toBe(0);
    expect(custom.stdout).toContain("Subject: Acme · 123456");
    expect(custom.stdout).toContain("Saisissez-le pour vous connecter.");

    const template = await cli(["mail-preview", "code_welcome"]);
    expect(template.exitCode).toBe(2);
    expect(template.stderr).toContain('Unknown template "code_welcome". Templates: code_register, code_recheck');
    const locale = await cli(["mail-preview", "code_register", "--locale", "it"]);
    expect(locale.exitCode).toBe(2);
    expect(locale.stderr).toContain('Unknown locale "it". Locales: en, de, fr, es');
    const none = await cli(["mail-preview"]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain("Usage: otp-auth mail-preview <template>");
  });

  test("serve refuses to start on a bad MAIL_TEMPLATES_DIR file, naming the file and the placeholder", async () => {
    const templates = join(folder, "bad-templates");
    await mkdir(join(templates, "de"), { recursive: true });
    await writeFile(join(templates, "de", "code_reset.text.liquid"), "Code:\n{{ kode }}\n");
    const result = await cli(["serve"], {
      DATA_DIR: join(folder, "bad-templates-data"),
      PORT: String(freePort()),
      MAIL_TEMPLATES_DIR: templates,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("MAIL_TEMPLATES_DIR: de/code_reset.text.liquid: unknown placeholder {{ kode }} on line 2");
    const doctor = await cli(["doctor"], { DATA_DIR: join(folder, "bad-templates-data"), MAIL_TEMPLATES_DIR: templates });
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toMatch(/^FAIL mail +MAIL_TEMPLATES_DIR: de\/code_reset\.text\.liquid: unknown placeholder \{\{ kode \}\}/m);
  });

  test("doctor reaches PostgreSQL, Redis and SMTP and prints one ok line for each", async () => {
    const result = await cli(["doctor"], {
      ...cliSmtpEnv(),
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      SECRET_KEY: "doctor-secret",
    });
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split("\n");
    for (const name of ["config", "postgres", "redis", "smtp"]) {
      expect(lines.some((line) => line.startsWith("ok  ") && line.includes(` ${name} `))).toBe(true);
    }
    expect(result.stdout).toContain("All checks passed.");
  });

  test("doctor names each unreachable dependency with what to fix, and exits 1", async () => {
    const dead = String(freePort());
    const result = await cli(["doctor"], {
      ...cliSmtpEnv(),
      SMTP_PORT: dead,
      DATABASE_URL: `postgres://postgres:hunter2pw@127.0.0.1:${dead}/none`,
      REDIS_URL: `redis://127.0.0.1:${dead}`,
    });
    expect(result.exitCode).toBe(1);
    for (const name of ["postgres", "redis", "smtp"]) expect(result.stdout).toMatch(new RegExp(`^FAIL ${name} .*ECONNREFUSED`, "m"));
    expect(result.stdout).toContain("fix: start PostgreSQL or correct DATABASE_URL");
    expect(result.stdout).toContain("fix: start Redis or correct REDIS_URL");
    expect(result.stdout).toContain("3 checks failed.");
    expect(result.stdout).not.toContain("hunter2pw");
  });

  test("doctor lists every configuration problem, without values", async () => {
    const result = await cli(["doctor"], { PORT: "eighty", DATABASE_URL: "mysql://root:secretpw@db/x" });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^FAIL config +PORT:/m);
    expect(result.stdout).toMatch(/^FAIL config +DATABASE_URL:/m);
    expect(result.stdout).not.toContain("secretpw");
  });

  test("doctor with nothing set reports the embedded defaults as fine", async () => {
    const result = await cli(["doctor"], { DATA_DIR: join(folder, "doctor-data") });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("embedded PostgreSQL (PGlite)");
    expect(result.stdout).toContain("in-process store");
    expect(result.stdout).toContain("development mail catcher");
  });

  test("migrate applies the migrations to the embedded PostgreSQL when DATABASE_URL is unset", async () => {
    const dataDir = join(folder, "migrate-data");
    const result = await cli(["migrate"], { DATA_DIR: dataDir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("Migrations applied.");
    expect(await Bun.file(join(dataDir, "postgres/PG_VERSION")).exists()).toBe(true);
  });

  test("healthcheck exits 0 when the server on PORT answers /health, 1 when nothing does", async () => {
    const h = await startHarness();
    const server = h.app.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const up = await cli(["healthcheck"], { PORT: String(server.server!.port) });
      expect(up.exitCode).toBe(0);
      expect(up.stdout).toContain("/health: 200");
    } finally {
      await server.stop();
      await h.close();
    }
    expect((await cli(["healthcheck"], { PORT: String(freePort()) })).exitCode).toBe(1);
  });

  test("a second server on the same embedded DATA_DIR is refused while the first runs, and allowed after", async () => {
    const dataDir = join(folder, "shared-data");
    const first = startProcess(
      [...DEV_ENTRY, "serve"],
      { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, PORT: String(freePort()) },
      folder,
    );
    try {
      await waitForLine(first, "otp-auth listening");
      const second = await cli(["migrate"], { DATA_DIR: dataDir });
      expect(second.exitCode).toBe(1);
      expect(second.stderr).toContain(`is in use by another process (pid ${first.pid})`);
    } finally {
      first.kill("SIGTERM");
    }
    expect(await first.exited).toBe(0);
    expect((await cli(["migrate"], { DATA_DIR: dataDir })).exitCode).toBe(0);
  });
});

/** Reads a process's stdout until a line contains `text`, leaving the pipe open (closing it would end the process on its next write). */
async function waitForLine(proc: Bun.Subprocess<"ignore", "pipe", "pipe">, text: string) {
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  while (!seen.includes(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`process ended before printing "${text}"`);
    seen += decoder.decode(value);
  }
  reader.releaseLock();
}
