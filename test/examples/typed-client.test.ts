import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { signUpAndFetchProfile } from "../../examples/typed-client";
import { uniqueEmail } from "../support/env";
import { CORE_BACKENDS } from "../support/harness";
import { servedForSuite } from "../support/listening";

// The typed client of docs/integrating.md (examples/typed-client.ts) run against a server listening on a
// port, and compiled as another project would: one that has only `otp-auth` (its package.json "exports"),
// `@elysiajs/eden` and `elysia` installed and a tsconfig of its own, here a browser front end's.

const ROOT = resolve(import.meta.dir, "../..");
const EXAMPLE = "examples/typed-client.ts";
const TYPE_CHECKS = "test/examples/typed-client.types.ts";

describe.each(CORE_BACKENDS)("the typed client example against a listening server (%s)", (backend) => {
  const suite = servedForSuite({ backend });
  const readCode = async (email: string) => {
    await suite.h.inbox.waitForMail(email, 1);
    return suite.h.inbox.latestCode(email);
  };

  test("registers, verifies with the mailed code and reads /auth/me", async () => {
    const email = uniqueEmail("eden");
    const profile = await signUpAndFetchProfile(suite.server.base, email, "correct horse battery", readCode);
    expect(profile).toMatchObject({ email, is_active: true, is_verified: true });
    expect(profile.id).toBeGreaterThan(0);
    // The session it opened is the account's: the password it registered with signs in.
    expect((await suite.server.http("POST", "/auth/login", { email, password: "correct horse battery" })).status).toBe(200);
  });

  test("a refused step throws with the server's status and detail", async () => {
    const wrongCode = async (email: string) => {
      const code = await readCode(email);
      return code.slice(0, -1) + ((Number(code.at(-1)) + 1) % 10);
    };
    const attempt = signUpAndFetchProfile(suite.server.base, uniqueEmail("eden"), "correct horse battery", wrongCode);
    await expect(attempt).rejects.toThrow(/^verify-otp: 400 \S/);
  });
});

describe("the typed client as another project compiles it", () => {
  let consumer: string;
  beforeAll(async () => {
    consumer = await mkdtemp(join(tmpdir(), "otp-auth-consumer-"));
    await writeFile(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    await linkPackage(consumer, "otp-auth", ROOT);
    await linkPackage(consumer, "@elysiajs/eden", join(ROOT, "node_modules/@elysiajs/eden"));
    await linkPackage(consumer, "elysia", join(ROOT, "node_modules/elysia"));
    for (const file of [EXAMPLE, TYPE_CHECKS]) await copyInto(consumer, file, await readFile(join(ROOT, file), "utf8"));
  });
  afterAll(async () => {
    if (consumer) await rm(consumer, { recursive: true, force: true });
  });

  test("type-checks, with each negative assertion a real error", async () => {
    const checked = await typeCheck(consumer, [EXAMPLE, TYPE_CHECKS]);
    expect(checked.output).toBe("");
    expect(checked.exitCode).toBe(0);

    // The same assertions without their `@ts-expect-error`: every line after one must now fail, and no other.
    const source = await readFile(join(ROOT, TYPE_CHECKS), "utf8");
    const stripped = "test/examples/typed-client.stripped.ts";
    const expected = source.split("\n").flatMap((line, index) => (/^\s*\/\/ @ts-expect-error/.test(line) ? [index + 2] : []));
    await copyInto(consumer, stripped, source.replace(/^\s*\/\/ @ts-expect-error.*$/gm, ""));
    const failed = await typeCheck(consumer, [EXAMPLE, stripped]);
    const errorLines = [...failed.output.matchAll(/typed-client\.stripped\.ts\((\d+),\d+\): error/g)].map((match) => Number(match[1]));
    expect(expected.length).toBeGreaterThanOrEqual(5);
    expect(errorLines).toEqual(expected);
    expect(failed.exitCode).not.toBe(0);
  });

  test("at run time, otp-auth/client is an empty module and the example bundles Eden alone", async () => {
    await copyInto(
      consumer,
      "client-namespace.ts",
      'import * as client from "otp-auth/client";\nexport const names = Object.keys(client);\n',
    );
    const namespace = await modulesOf(join(consumer, "client-namespace.ts"));
    expect(namespace.filter((path) => !path.endsWith("client-namespace.ts"))).toEqual([expect.stringMatching(/src\/client\.ts$/)]);
    const example = await modulesOf(join(consumer, EXAMPLE));
    expect(example.filter((path) => !path.includes("node_modules/@elysiajs/eden/"))).toEqual([expect.stringMatching(/typed-client\.ts$/)]);
  }, 20_000);
});

async function linkPackage(project: string, name: string, target: string) {
  await mkdir(dirname(join(project, "node_modules", name)), { recursive: true });
  await symlink(target, join(project, "node_modules", name), "dir");
}

async function copyInto(project: string, path: string, text: string) {
  await mkdir(dirname(join(project, path)), { recursive: true });
  await writeFile(join(project, path), text);
}

/** `tsc --noEmit` over `files` with a browser front end's settings: the DOM, and no Bun types of its own. */
async function typeCheck(project: string, files: string[]) {
  const compilerOptions = {
    strict: true,
    target: "ES2022",
    lib: ["ES2022", "DOM", "DOM.Iterable"],
    module: "Preserve",
    moduleResolution: "bundler",
    types: [],
    skipLibCheck: true,
    noEmit: true,
  };
  const tsconfig = join(project, "tsconfig.json");
  await writeFile(tsconfig, JSON.stringify({ compilerOptions, files }));
  const tsc = Bun.spawn([join(ROOT, "node_modules/.bin/tsc"), "-p", tsconfig, "--pretty", "false"], {
    cwd: project,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(tsc.stdout).text(), new Response(tsc.stderr).text(), tsc.exited]);
  return { exitCode, output: (stdout + stderr).trim() };
}

/** The modules Bun's bundler puts into a bundle of `entry`, by the path comment it writes above each. */
async function modulesOf(entry: string): Promise<string[]> {
  const built = await Bun.build({ entrypoints: [entry], target: "bun" });
  if (!built.success) throw new Error(built.logs.join("\n"));
  const text = await built.outputs[0]!.text();
  return [...text.matchAll(/^\/\/ (\S+\.[cm]?[jt]s)$/gm)].map((match) => match[1]!);
}
