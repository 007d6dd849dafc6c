import { PLAIN_CANARY, SECRET_CANARY } from "./hostile-values";

/** A stack trace in any form: V8/JSC frames, Bun's source locations, or a `stack` field. */
export function looksLikeStackTrace(text: string): boolean {
  return (
    /\n\s+at\s/.test(text) ||
    /\bat\s+\S+\s+\(?[^\s()]+\.(ts|js):\d+/.test(text) ||
    /"stack"\s*:/.test(text) ||
    /node_modules\//.test(text) ||
    /\/src\/[\w/-]+\.ts/.test(text)
  );
}

export interface SeenResponse {
  status: number;
  headers: Headers;
  /** The body as text. */
  text: string;
}

/**
 * What is wrong with an answer, as short sentences (none when it is fine): a 5xx; an error that is not
 * JSON `{detail, code}`; a stack trace; or anything the request sent that comes back: a secret's canary
 * anywhere, any canary or `secrets` string in an error.
 */
export function answerProblems(
  response: SeenResponse,
  { method, secrets = [], allow5xx = false }: { method: string; secrets?: string[]; allow5xx?: boolean },
): string[] {
  const problems: string[] = [];
  const { status, text } = response;
  // X-Request-Id answers the client's own id by design.
  const headerText = [...response.headers.entries()]
    .filter(([name]) => name !== "x-request-id")
    .map(([name, value]) => `${name}: ${value}`)
    .join("\n");
  if (status >= 500 && !allow5xx) problems.push(`status ${status}`);
  if (status >= 400 && method !== "HEAD") {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      problems.push("error body is not JSON");
    }
    const shape = body as { detail?: unknown; code?: unknown } | null;
    const keys = shape && typeof shape === "object" ? Object.keys(shape).sort().join(",") : "";
    if (
      body !== undefined &&
      (keys !== "code,detail" || typeof shape!.detail !== "string" || typeof shape!.code !== "string" || !shape!.detail)
    ) {
      problems.push(`error body is not {detail, code}: ${text.slice(0, 200)}`);
    }
    if (!(response.headers.get("content-type") ?? "").includes("application/json")) problems.push("error content-type is not JSON");
    if (PLAIN_CANARY.test(text) || PLAIN_CANARY.test(headerText)) problems.push(`error echoes the input: ${text.slice(0, 200)}`);
    for (const secret of secrets) if (text.includes(secret)) problems.push(`error echoes ${secret}`);
  }
  if (SECRET_CANARY.test(text) || SECRET_CANARY.test(headerText)) problems.push(`answer echoes a secret: ${text.slice(0, 200)}`);
  if (looksLikeStackTrace(text)) problems.push(`answer holds a stack trace: ${text.slice(0, 200)}`);
  return problems;
}

/**
 * Whether `text` holds `secret`. A code (all digits) counts only as a whole number, so that a request id
 * or a timestamp that happens to contain its digits is not taken for it.
 */
export function holdsSecret(text: string, secret: string): boolean {
  if (!/^\d+$/.test(secret)) return text.includes(secret);
  return new RegExp(`(?<![0-9A-Za-z])${secret}(?![0-9A-Za-z])`).test(text);
}
