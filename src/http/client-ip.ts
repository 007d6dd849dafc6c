import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import type { TrustProxy } from "../config/trust-proxy";

/**
 * The client of a request that has no socket: one handled in-process with `app.handle` (tests, or an
 * embedding server). All such requests share this one budget, so limits still apply to them.
 */
export const UNKNOWN_CLIENT = "unknown";

// The longest textual IP is 45 characters (IPv6 with an embedded IPv4), plus a zone id or a port.
const MAX_ADDRESS_LENGTH = 64;

/**
 * A well-formed IP in one canonical form (lower-case RFC 5952 IPv6, IPv4-mapped IPv6 as plain IPv4), or
 * null for anything else. Only strict forms count: `127.1` or `0x7f.0.0.1` are not addresses here.
 */
export function normaliseIp(raw: string): string | null {
  let text = raw.trim();
  if (text.length === 0 || text.length > MAX_ADDRESS_LENGTH) return null;
  // A port some proxies append: `[2001:db8::1]:443` or `203.0.113.7:5678`.
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.indexOf(":"));
  text = text.replace(/%[\w.-]+$/, "");
  const version = isIP(text);
  if (version === 4) return ipaddr.IPv4.parse(text).toString();
  if (version !== 6) return null;
  const address = ipaddr.IPv6.parse(text);
  return address.isIPv4MappedAddress() ? address.toIPv4Address().toString() : address.toRFC5952String();
}

// Connections come from few addresses (a proxy, a load balancer, or the same clients again), and each
// normalisation parses the address: the socket's address is normalised once per distinct address.
const peerForms = new Map<string, string | null>();
const MAX_PEER_FORMS = 10_000;
function normalisedPeer(address: string): string | null {
  let form = peerForms.get(address);
  if (form === undefined) {
    form = normaliseIp(address);
    if (peerForms.size >= MAX_PEER_FORMS) peerForms.clear();
    peerForms.set(address, form);
  }
  return form;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
const compiledLists = new WeakMap<object, Range[]>();

/** Whether a normalised address is one of the listed proxies; each list is parsed once. */
function isListedProxy(list: { proxies: string[] }, address: string): boolean {
  let ranges = compiledLists.get(list);
  if (!ranges) compiledLists.set(list, (ranges = list.proxies.map((cidr) => ipaddr.parseCIDR(cidr))));
  const parsed = ipaddr.parse(address);
  return ranges.some(([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits));
}

const forwardedFor = (request: Request) =>
  (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);

/**
 * Who sent the request. `trust` is TRUST_PROXY:
 * - a list of proxies: X-Forwarded-For is believed only on a connection from a listed proxy. Read from the
 *   right, each entry is who connected to the proxy that wrote it; the first one that is not itself a listed
 *   proxy is the client. An entry that is not an address ends the walk at the proxy that passed it on.
 * - a number N (0: the socket only): N proxies in front, each of which appended the address it saw, so the
 *   client is the Nth entry from the right, whoever connected. Entries to the left of it were written by the
 *   client itself.
 */
export function clientIp(request: Request, socketAddress: string | null | undefined, trust: TrustProxy): string {
  const socket = socketAddress ? normalisedPeer(socketAddress) : null;
  if (typeof trust !== "number") {
    // No connection (app.handle): nothing vouches for the header.
    if (!socket) return UNKNOWN_CLIENT;
    let client = socket;
    const entries = forwardedFor(request);
    for (let i = entries.length - 1; i >= 0 && isListedProxy(trust, client); i--) {
      const address = normaliseIp(entries[i]!);
      if (!address) break;
      client = address;
    }
    return client;
  }
  if (trust > 0) {
    const forwarded = forwardedFor(request);
    if (forwarded.length > 0) {
      // Fewer entries than trusted hops: the farthest one a trusted proxy wrote is the best there is.
      const entry = forwarded[Math.max(0, forwarded.length - trust)]!;
      const address = normaliseIp(entry);
      if (address) return address;
    }
  }
  return socket ?? UNKNOWN_CLIENT;
}

/** What Bun's server tells of a request's connection. */
export interface PeerSource {
  requestIP(request: Request): { address: string } | null;
}

interface Peer {
  address: string | null;
  /** clientIp worked out for `trust`, once asked. */
  trust?: TrustProxy;
  ip?: string;
}
const peers = new WeakMap<Request, Peer>();

/**
 * What is known of a request's connection, asked of Bun once per request: the request log, the client info
 * and the rate limits all want it, and each requestIP call builds an object.
 */
function peerOf(request: Request, server: PeerSource | null | undefined): Peer {
  let peer = peers.get(request);
  if (!peer) peers.set(request, (peer = { address: server?.requestIP(request)?.address ?? null }));
  return peer;
}

/** The address of the connection a request came on, or null without one (`app.handle`). */
export function peerAddress(request: Request, server: PeerSource | null | undefined): string | null {
  return peerOf(request, server).address;
}

/** clientIp for a request being served, worked out once per request (the client info and the rate limits both need it). */
export function requestClientIp(request: Request, server: PeerSource | null | undefined, trust: TrustProxy): string {
  const peer = peerOf(request, server);
  if (peer.ip === undefined || peer.trust !== trust) {
    peer.ip = clientIp(request, peer.address, trust);
    peer.trust = trust;
  }
  return peer.ip;
}

/**
 * The key one client's budget is kept under: the IPv4 address, or the /64 network of an IPv6 address,
 * since one subscriber usually holds a whole /64 and could otherwise rotate through 2^64 budgets.
 */
export function clientKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const parts = ipaddr.IPv6.parse(ip).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toRFC5952String()}/64`;
}
