import type { CliContext } from "./context";

const TIMEOUT_MS = 3000;

/**
 * Exit 0 when this machine's server answers /health on PORT: the container HEALTHCHECK, which needs no
 * curl or shell in the runtime image.
 */
export async function healthcheck({ env }: CliContext): Promise<number> {
  const url = `http://127.0.0.1:${env.PORT || "8000"}/health`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    console.log(`${url}: ${response.status}`);
    return response.ok ? 0 : 1;
  } catch (error) {
    console.error(`${url}: ${(error as Error).message}`);
    return 1;
  }
}
