import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFile, mkdtemp, rm, stat } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { uniqueEmail } from "../support/env";
import { freePort } from "../support/free-port";
import { postJson, runToEnd, startProcess, waitForHealth } from "../support/process";

// The binary is built by the project's one build script, then copied ALONE into an empty folder and run
// there with no environment but PORT: nothing from the source tree, node_modules or .env can help it.
let buildDir: string;
let folder: string;
let binary: string;
beforeAll(async () => {
  buildDir = await mkdtemp(join(tmpdir(), "otp-auth-build-"));
  const build = await runToEnd(["bun", join(import.meta.dir, "../../scripts/build.ts"), join(buildDir, "otp-auth")], {
    PATH: process.env.PATH ?? "",
  });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr}`);
  folder = await mkdtemp(join(tmpdir(), "otp-auth-binary-"));
  binary = join(folder, "otp-auth");
  await copyFile(join(buildDir, "otp-auth"), binary);
  await Bun.$`chmod +x ${binary}`;
  await rm(buildDir, { recursive: true, force: true });
}, 120_000);
afterAll(() => rm(folder, { recursive: true, force: true }));

const nonLoopbackAddress = () =>
  Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === "IPv4" && !address.internal)?.address;

async function readMailboxCode(base: string, email: string): Promise<string> {
  const { messages } = (await (await fetch(`${base}/dev/mailbox.json`)).json()) as { messages: { to: string[]; text: string }[] };
  const mail = messages.find((m) => m.to.includes(email));
  const code = mail && /verification code is: (\d+)/.exec(mail.text)?.[1];
  if (!code) throw new Error(`no code for ${email} in the mailbox`);
  return code;
}

describe("the compiled binary, alone in an empty folder", () => {
  const email = uniqueEmail("binary");
  const password = "correct horse battery";
  let token = "";
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;

  test("runs with no configuration: page, docs, register → mailbox code → verify → login → /auth/me", async () => {
    expect((await stat(binary)).isFile()).toBe(true);
    const proc = startProcess([binary], { PORT: String(port) }, folder);
    try {
      await waitForHealth(base, proc, 60_000);

      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toContain("text/html");
      const docs = await fetch(`${base}/docs`);
      expect(docs.status).toBe(200);
      const assets = [...(await docs.text()).matchAll(/(?:src|href)="([^"]*docs\/assets[^"]*)"/g)].map((m) => m[1]!);
      expect(assets.length).toBeGreaterThan(0);
      for (const asset of assets) expect((await fetch(new URL(asset, `${base}/docs/`))).status).toBe(200);

      const registered = await postJson(`${base}/auth/register`, { email, password });
      expect(registered.status).toBe(201);
      const { otp_token } = registered.body;
      const verified = await postJson(`${base}/auth/verify-otp`, { email, code: await readMailboxCode(base, email), otp_token });
      expect(verified.status).toBe(200);
      const login = await postJson(`${base}/auth/login`, { email, password });
      expect(login.status).toBe(200);
      token = login.body.access_token;
      const me = await fetch(`${base}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { email: string }).email).toBe(email);

      // The mail catcher is active, so the server must not be reachable from another machine.
      const outside = nonLoopbackAddress();
      if (outside) await expect(fetch(`http://${outside}:${port}/health`)).rejects.toThrow();
    } finally {
      proc.kill("SIGTERM");
    }
    expect(await proc.exited).toBe(0);
    const stderr = await new Response(proc.stderr).text();
    const stdout = await new Response(proc.stdout).text();
    expect(stderr).toContain("DEVELOPMENT MAIL CATCHER ACTIVE");
    expect(stdout).toContain("embedded PostgreSQL (PGlite)");
    expect(stdout).toContain("in-process store");
    expect(stdout).toContain(`${base}/dev/mailbox`);
    expect(stdout).not.toContain(password);
    expect(await Bun.file(join(folder, "data/postgres/PG_VERSION")).exists()).toBe(true);
  }, 90_000);

  test("after a restart the user is still there (PGlite on disk) and the earlier token still works", async () => {
    expect(token).not.toBe("");
    const proc = startProcess([binary], { PORT: String(port) }, folder);
    try {
      await waitForHealth(base, proc, 60_000);
      expect((await postJson(`${base}/auth/login`, { email, password })).status).toBe(200);
      const me = await fetch(`${base}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
    } finally {
      proc.kill("SIGTERM");
    }
    expect(await proc.exited).toBe(0);
  }, 90_000);

  test("with NODE_ENV=production and no SMTP it refuses to start, saying why", async () => {
    const result = await runToEnd([binary], { PORT: String(freePort()), NODE_ENV: "production", SECRET_KEY: "p".repeat(40) }, folder);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("SMTP_SERVER: is required when NODE_ENV=production");
    expect(result.stderr).not.toContain("p".repeat(40));
  }, 30_000);

  test("--version and doctor work in the binary", async () => {
    const version = await runToEnd([binary, "--version"], {}, folder);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const doctor = await runToEnd([binary, "doctor"], {}, folder);
    expect(doctor.exitCode).toBe(0);
    expect(doctor.stdout).toContain("holds a database");
  }, 30_000);
});
