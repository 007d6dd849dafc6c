import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/** True for `localhost` and any address in 127.0.0.0/8 or ::1 (a listen HOST, or a peer's address). */
export function isLoopback(hostOrAddress: string): boolean {
  const text = hostOrAddress
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (text === "localhost") return true;
  // ipaddr.process reads IPv4-mapped IPv6 (::ffff:127.0.0.1) as the IPv4 address it carries.
  return isIP(text) !== 0 && ipaddr.process(text).range() === "loopback";
}
