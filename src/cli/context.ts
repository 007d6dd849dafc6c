export interface CliContext {
  /** Arguments after the command name. */
  args: string[];
  /** The environment, with command-line overrides (--port) applied. */
  env: Record<string, string | undefined>;
}

/** A failure whose message is already written for the person at the terminal. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
