import { parseArgs } from "node:util";
import packageJson from "../../package.json";
import { ConfigError } from "../config/load";
import { CliError, type CliContext } from "./context";

interface Command {
  usage: string;
  summary: string;
  run: (context: CliContext) => Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    usage: "serve",
    summary: "apply migrations, then serve the API, docs and page (default)",
    run: async (c) => (await import("./serve")).serve(c),
  },
  migrate: {
    usage: "migrate",
    summary: "apply database migrations and exit",
    run: async (c) => (await import("./migrate")).migrateCommand(c),
  },
  "smtp-test": {
    usage: "smtp-test <to>",
    summary: "send a test mail with the configured SMTP server",
    run: async (c) => (await import("./smtp-test")).smtpTest(c),
  },
  doctor: {
    usage: "doctor",
    summary: "check the configuration and reach PostgreSQL, Redis and SMTP",
    run: async (c) => (await import("./doctor")).doctor(c),
  },
  keys: {
    usage: "keys list|rotate",
    summary: "list the access-token signing keys, or rotate in a new one (--activate-in SECONDS)",
    run: async (c) => (await import("./keys")).keysCommand(c),
  },
  "mail-preview": {
    usage: "mail-preview <template>",
    summary: "print a mail rendered with sample values (--locale de; MAIL_TEMPLATES_DIR's files included)",
    run: async (c) => (await import("./mail-preview")).mailPreview(c),
  },
  healthcheck: {
    usage: "healthcheck",
    summary: "exit 0 if the server on PORT answers /health (for containers)",
    run: async (c) => (await import("./healthcheck")).healthcheck(c),
  },
};

const VERSION = packageJson.version;

const usage = () =>
  [
    `otp-auth ${VERSION}: email + one-time-code authentication server`,
    "",
    "Usage: otp-auth [command] [options]",
    "",
    "Commands:",
    ...Object.values(COMMANDS).map(({ usage, summary }) => `  ${usage.padEnd(16)}${summary}`),
    "",
    "Options:",
    "  --port <n>      listen on this port (overrides PORT)",
    "  -h, --help      show this help",
    "  -v, --version   print the version",
    "",
    "Configuration comes from environment variables (and a .env file in the working directory);",
    "with none set, it runs on embedded defaults. See README.md.",
  ].join("\n");

/** Runs one subcommand and returns the process exit code. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
        port: { type: "string", short: "p" },
        // keys rotate's and mail-preview's; handed on in the command's arguments.
        "activate-in": { type: "string" },
        locale: { type: "string" },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage()}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === "help") {
    console.log(usage());
    return 0;
  }
  if (values.version) {
    console.log(VERSION);
    return 0;
  }
  const name = positionals[0] ?? "serve";
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  const activateIn = values["activate-in"] === undefined ? [] : ["--activate-in", values["activate-in"]];
  const locale = values.locale === undefined ? [] : ["--locale", values.locale];
  const context: CliContext = {
    args: [...positionals.slice(1), ...activateIn, ...locale],
    env: values.port === undefined ? env : { ...env, PORT: values.port },
  };
  try {
    return await command.run(context);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\nSee .env.example or README.md for every variable.`);
      return 1;
    }
    if (error instanceof CliError) {
      console.error(error.message);
      return error.exitCode;
    }
    // Start-up failures (say, PostgreSQL unreachable for the migrations) are reported in one line.
    console.error(`otp-auth ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
