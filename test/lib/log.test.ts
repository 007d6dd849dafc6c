import { describe, expect, test } from "bun:test";
import { join } from "node:path";

const logModule = join(import.meta.dir, "../../src/lib/log.ts");

/** Runs a script that logs through consoleWriter in a process of its own and returns what it printed. */
async function run(body: string) {
  const script = `import { consoleWriter, createLogger } from ${JSON.stringify(logModule)};
const log = createLogger("info", consoleWriter("json"));
${body}`;
  const proc = Bun.spawn(["bun", "-e", script], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return {
    lines: stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
    stderr,
    code,
  };
}

describe("console log writer", () => {
  test("every stdout line arrives whole and in order, also those logged in the same turn as the exit", async () => {
    const { lines, code } = await run(`
for (let i = 0; i < 500; i++) log.info("line", { i });
setTimeout(() => {
  for (let i = 500; i < 1000; i++) log.info("line", { i });
  process.exit(3);
}, 10);`);
    expect(code).toBe(3);
    expect(lines.map((line) => line.i)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  test("errors go to stderr at once, other levels to stdout", async () => {
    const { lines, stderr } = await run(`log.info("to stdout"); log.warn("also stdout"); log.error("to stderr", { password: "hunter2" });`);
    expect(lines.map((line) => line.message)).toEqual(["to stdout", "also stdout"]);
    expect(JSON.parse(stderr)).toMatchObject({ level: "error", message: "to stderr", password: "[redacted]" });
  });
});
