import { writeSync } from "node:fs";

type LogLevel = "debug" | "info" | "warn" | "error";
type LogFormat = "json" | "pretty";
type LogFields = Record<string, unknown>;
export type LogEntry = { time: string; level: LogLevel; message: string } & LogFields;
/** Receives every line as JSON, and the same entry as an object for writers that format it otherwise. */
type LogWriter = (line: string, isError: boolean, entry: LogEntry) => void;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Field names whose values are secrets: they are replaced before a line is written, whoever logs them.
const SECRET_FIELD = /(^|_)(password|secret|token|otp|authorization|cookie|code)s?($|_)|secret_key/i;

// drizzle-orm writes a failed query's parameters (addresses, password and token hashes) into its message.
const QUERY_PARAMS = /\nparams: [\s\S]*?(?=\n\s+at\s|$)/;
const withoutParams = (text: string | undefined) => text?.replace(QUERY_PARAMS, "\nparams: [redacted]");

/** An error as a log field: its name, message and stack, with any query parameters cut out, and its cause's code. */
function describeError(error: Error): LogFields {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  return { name: error.name, message: withoutParams(error.message), stack: withoutParams(error.stack), cause_code: code };
}

// Whether a field name is a secret's, decided once per name: every request line repeats the same few names.
const secretNames = new Map<string, boolean>();
const MAX_NAMES = 1000;
function isSecretName(key: string): boolean {
  let secret = secretNames.get(key);
  if (secret === undefined) {
    secret = SECRET_FIELD.test(key);
    if (secretNames.size < MAX_NAMES) secretNames.set(key, secret);
  }
  return secret;
}

/** Copies the fields onto the entry, secrets replaced and errors described, in one pass over the fields. */
function addRedacted(entry: LogFields, fields: LogFields): void {
  for (const key in fields) {
    const value = fields[key];
    if (isSecretName(key)) entry[key] = "[redacted]";
    else if (value instanceof Error) entry[key] = describeError(value);
    else entry[key] = value;
  }
}

let stampedSecond = Number.NaN;
let stampedPrefix = "";
/** `new Date().toISOString()`, with the date and time up to the second formatted once per second. */
function isoNow(): string {
  const now = Date.now();
  const millis = now % 1000;
  const second = now - millis;
  if (second !== stampedSecond) {
    stampedSecond = second;
    stampedPrefix = new Date(second).toISOString().slice(0, 20);
  }
  return `${stampedPrefix}${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`;
}

/** One event per line, secrets redacted by field name, to stdout (stderr for errors) unless `write` says otherwise. */
export function createLogger(level: LogLevel, write: LogWriter = consoleWriter("json")): Logger {
  const emit =
    (at: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (ORDER[at] < ORDER[level]) return;
      const entry: LogEntry = { time: isoNow(), level: at, message };
      addRedacted(entry, fields);
      write(JSON.stringify(entry), at === "error", entry);
    };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/**
 * Writes to the console: the JSON line as it is, or the entry made readable for a person (`pretty`). Errors
 * go to stderr at once; other lines to stdout through `batchedStdout`.
 */
export function consoleWriter(format: LogFormat): LogWriter {
  return (line, isError, entry) => {
    const stream = isError ? process.stderr : process.stdout;
    const text = `${format === "json" ? line : formatPretty(entry, colorsFor(stream))}\n`;
    if (isError) stream.write(text);
    else batchedStdout()(text);
  };
}

let stdoutBatch: ((text: string) => void) | undefined;

/**
 * Stdout lines gathered and written together once per event-loop turn: every request logs a line, and under
 * load one write then carries the lines of many requests instead of a system call each (measured: about
 * 10 µs of CPU per request on /health). What is still gathered when the process exits is written then.
 */
function batchedStdout(): (text: string) => void {
  if (stdoutBatch) return stdoutBatch;
  let pending: string[] = [];
  const take = () => {
    const text = pending.join("");
    pending = [];
    return text;
  };
  process.on("exit", () => {
    if (pending.length > 0) writeSync(1, take());
  });
  stdoutBatch = (text) => {
    if (pending.push(text) === 1) setImmediate(() => pending.length > 0 && process.stdout.write(take()));
  };
  return stdoutBatch;
}

const COLORS: Record<LogLevel, string> = { debug: "\x1b[90m", info: "\x1b[36m", warn: "\x1b[33m", error: "\x1b[31m" };
const colorsFor = (stream: { isTTY?: boolean }) => Boolean(stream.isTTY) && !process.env.NO_COLOR;

const showValue = (value: unknown) => {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return value instanceof Object ? JSON.stringify(value) : String(value);
};

/**
 * `12:03:04.567 INFO  message key=value ...`; a request line reads `GET /auth/login 200 12.3 ms`, and an
 * error's stack follows on its own lines. Works on the redacted entry, so it shows no more than JSON would.
 */
export function formatPretty(entry: LogEntry, colors = false): string {
  const { time, level, message, ...fields } = entry;
  const label = level.toUpperCase().padEnd(5);
  let line = `${time.slice(11, 23)} ${colors ? `${COLORS[level]}${label}\x1b[0m` : label} `;
  let rest: LogFields = fields;
  if (message === "request" && "route" in fields) {
    const { method, route, status, duration_ms, ...others } = fields;
    line += `${method} ${route ?? "(no route)"} ${status} ${duration_ms} ms`;
    rest = others;
  } else {
    line += message;
  }
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    const { message: text, stack } = (value ?? {}) as { message?: unknown; stack?: unknown };
    if (typeof stack === "string")
      stacks.push(
        stack
          .split("\n")
          .map((row) => `\n    ${row}`)
          .join(""),
      );
    line += ` ${key}=${showValue(typeof stack === "string" ? (text ?? "") : value)}`;
  }
  return line + stacks.join("");
}
