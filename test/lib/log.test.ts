import { describe, expect, spyOn, test } from "bun:test";
import { join } from "node:path";
import { createLogger } from "../../src/lib/log";

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

describe("log entries", () => {
  const entries = (logs: string[]) => logs.map((line) => JSON.parse(line));

  test("time is the ISO 8601 instant of the line, to the millisecond, across second boundaries", () => {
    const logs: string[] = [];
    const log = createLogger("info", (line) => void logs.push(line));
    const instants = [1_700_000_000_999, 1_700_000_001_000, 1_700_000_001_005, 1_700_000_001_050, 1_700_000_001_050, 1_700_000_061_123, 0];
    const now = spyOn(Date, "now");
    try {
      for (const instant of instants) {
        now.mockReturnValue(instant);
        log.info("tick");
      }
    } finally {
      now.mockRestore();
    }
    expect(entries(logs).map((entry) => entry.time)).toEqual(instants.map((instant) => new Date(instant).toISOString()));
  });

  test("secret fields are redacted every time their name comes back, and the line keeps the fields' order", () => {
    const logs: string[] = [];
    const log = createLogger("info", (line) => void logs.push(line));
    for (let i = 0; i < 3; i++) log.info("event", { user_id: i, password: "hunter2", refresh_token: "abc", error: new Error("boom") });
    for (const entry of entries(logs)) {
      expect(Object.keys(entry)).toEqual(["time", "level", "message", "user_id", "password", "refresh_token", "error"]);
      expect(entry).toMatchObject({ password: "[redacted]", refresh_token: "[redacted]", error: { name: "Error", message: "boom" } });
    }
    expect(logs.join("\n")).not.toContain("hunter2");
  });
});
