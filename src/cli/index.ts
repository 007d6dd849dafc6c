import { ConfigError } from "../config/load";

const COMMANDS: Record<string, { summary: string; run: () => Promise<number> }> = {
  serve: { summary: "apply migrations, then serve the API (default)", run: async () => (await import("./serve")).serve() },
  migrate: { summary: "apply database migrations and exit", run: async () => (await import("./migrate")).migrateCommand() },
};

const usage = () =>
  ["Usage: otp-auth [command]", "", ...Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(10)}${summary}`)].join("\n");

/** Runs one subcommand and returns the process exit code. */
export async function runCli(args: string[]): Promise<number> {
  const name = args[0] ?? "serve";
  if (name === "help" || name === "--help" || name === "-h") {
    console.log(usage());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\nSee .env.example for every variable.`);
      return 1;
    }
    // Start-up failures (say, PostgreSQL unreachable for the migrations) are reported in one line.
    console.error(`otp-auth ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
