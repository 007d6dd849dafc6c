import { listenHost, listensBeyondLoopback } from "./listen";
import type { Config } from "./load";

/**
 * The hop-count TRUST_PROXY believes X-Forwarded-For from whoever connects: on a server others can reach
 * directly, each client picks its own IP, and so escapes every per-IP limit. Null when that cannot happen.
 */
export function trustProxyWarning(config: Config): { message: string; fix: string } | null {
  const hops = config.TRUST_PROXY;
  if (typeof hops !== "number" || hops === 0 || !listensBeyondLoopback(config)) return null;
  return {
    message:
      `TRUST_PROXY=${hops} believes X-Forwarded-For from any peer, and the server listens on ${listenHost(config)}: ` +
      "a client that connects directly picks its own IP and escapes the per-IP limits",
    fix: "set TRUST_PROXY to your proxies' addresses (e.g. TRUST_PROXY=loopback,10.0.0.0/8), or HOST=127.0.0.1 behind a proxy on this host",
  };
}

/** Without PUBLIC_URL the tokens' `iss` is a constant that says nothing of where to find the keys. */
export function issuerWarning(config: Config): { message: string; fix: string } | null {
  if (config.NODE_ENV !== "production" || config.PUBLIC_URL) return null;
  return {
    message: 'PUBLIC_URL is not set: access tokens carry iss "otp-auth", and verifiers cannot derive the keys\' address from it',
    fix: "set PUBLIC_URL to the https:// address clients and services reach this server at",
  };
}

/** Every warning about the configuration: what start-up logs and the admin console's health view shows. */
export function configWarnings(config: Config): { message: string; fix: string }[] {
  return [trustProxyWarning(config), issuerWarning(config)].filter((warning) => warning !== null);
}
