/** One request over real HTTP and what came back; status 0 when no answer came within `timeoutMs`. */
export interface Answer {
  method: string;
  path: string;
  status: number;
  body: any;
  ms: number;
  /** When the request was sent (performance.now()). */
  at: number;
}

/** Sends a JSON request to a listening server; never throws: a refused connection or a hang is status 0. */
export async function send(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<Answer> {
  const at = performance.now();
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const parsed = jsonOrText(await response.text());
    return { method, path, status: response.status, body: parsed, ms: performance.now() - at, at };
  } catch (error) {
    return { method, path, status: 0, body: String(error), ms: performance.now() - at, at };
  }
}

/** A response body parsed as JSON, or the text itself when it is not JSON. */
export function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Percentiles of a list of durations, in ms. */
export function percentiles(values: number[], points = [50, 90, 99]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return Object.fromEntries([...points.map((p) => [`p${p}`, Math.round(at(p))]), ["max", Math.round(sorted.at(-1) ?? 0)]]);
}
