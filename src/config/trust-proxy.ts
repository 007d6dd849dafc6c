import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * TRUST_PROXY once read. A number is the hop-count form (`false` 0, `true` 1): that many proxies append to
 * X-Forwarded-For, and the header is believed whoever connects. `proxies` are the networks of the proxies
 * themselves, as canonical CIDRs: the header is believed only on a connection from one of them.
 */
export type TrustProxy = number | { proxies: string[] };

export const TRUST_PROXY_FORMS =
  "must be true, false, a number of proxies (0-10), or a comma-separated list of proxy addresses and CIDRs (loopback, private)";

const SHORTHANDS = new Map([
  ["loopback", ["127.0.0.0/8", "::1/128"]],
  // RFC 1918 and IPv6 unique local addresses: where container and cloud networks put their proxies.
  ["private", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]],
]);

/** An address or CIDR in one form (`10.0.0.0/8`, `2001:db8::1/128`; IPv4-mapped IPv6 as IPv4), or null. */
function canonicalCidr(item: string): string | null {
  const match = /^([0-9a-f.:]+)(?:\/(\d{1,3}))?$/.exec(item);
  const version = match ? isIP(match[1]!) : 0;
  if (!version) return null;
  const width = version === 4 ? 32 : 128;
  let bits = match![2] === undefined ? width : Number(match![2]);
  if (bits > width) return null;
  let address = ipaddr.parse(match![1]!);
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() && bits >= 96) {
    address = address.toIPv4Address();
    bits -= 96;
  }
  const network =
    address instanceof ipaddr.IPv4
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address}/${bits}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address}/${bits}`);
  return `${network.toString()}/${bits}`;
}

/** Reads TRUST_PROXY: `true`, `false`, a hop count up to 10, or a list of addresses, CIDRs and shorthands; null if none. */
export function parseTrustProxy(raw: string): TrustProxy | null {
  const text = raw.trim().toLowerCase();
  if (text === "true") return 1;
  if (text === "false") return 0;
  if (/^\d{1,2}$/.test(text)) return Number(text) <= 10 ? Number(text) : null;
  const items = text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  const proxies: string[] = [];
  for (const item of items) {
    const cidrs = SHORTHANDS.get(item) ?? [canonicalCidr(item)];
    if (cidrs.includes(null)) return null;
    proxies.push(...(cidrs as string[]));
  }
  return proxies.length > 0 ? { proxies: [...new Set(proxies)] } : null;
}
