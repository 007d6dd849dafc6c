import { describe, expect, test } from "bun:test";
import { clientIp, clientKey, normaliseIp, UNKNOWN_CLIENT } from "../../src/http/client-ip";

const request = (forwardedFor?: string) =>
  new Request("http://localhost/auth/login", forwardedFor === undefined ? {} : { headers: { "x-forwarded-for": forwardedFor } });

describe("normaliseIp", () => {
  test("one canonical form per address", () => {
    expect(normaliseIp("203.0.113.7")).toBe("203.0.113.7");
    expect(normaliseIp(" 203.0.113.7 ")).toBe("203.0.113.7");
    expect(normaliseIp("2001:DB8:0:0:0:0:0:1")).toBe("2001:db8::1");
    expect(normaliseIp("2001:db8::0:1")).toBe("2001:db8::1");
    // IPv4-mapped IPv6 (a dual-stack socket's view of an IPv4 client) is the IPv4 client.
    expect(normaliseIp("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(normaliseIp("::FFFF:cb00:7107")).toBe("203.0.113.7");
    expect(normaliseIp("fe80::1%eth0")).toBe("fe80::1");
  });

  test("a port some proxies append is dropped", () => {
    expect(normaliseIp("203.0.113.7:5678")).toBe("203.0.113.7");
    expect(normaliseIp("[2001:db8::1]:443")).toBe("2001:db8::1");
    expect(normaliseIp("[2001:db8::1]")).toBe("2001:db8::1");
  });

  test("anything that is not a strict IP is refused, long input included", () => {
    for (const garbage of [
      "",
      "unknown",
      "localhost",
      "127.1",
      "0x7f.0.0.1",
      "1.2.3.4.5",
      "256.1.1.1",
      "1.2.3.4 5.6.7.8",
      "2001:db8::1::2",
      "<script>",
      `1.2.3.4${" ".repeat(100)}x`,
      "1".repeat(65),
      "a".repeat(10_000),
    ]) {
      expect(normaliseIp(garbage)).toBeNull();
    }
  });
});

describe("clientIp", () => {
  test("TRUST_PROXY off: the socket's address, whatever X-Forwarded-For says", () => {
    expect(clientIp(request("198.51.100.9"), "203.0.113.7", 0)).toBe("203.0.113.7");
    expect(clientIp(request(), "::ffff:203.0.113.7", 0)).toBe("203.0.113.7");
  });

  test("no socket (in-process app.handle) and nothing trusted: the one shared `unknown` client", () => {
    expect(clientIp(request("198.51.100.9"), null, 0)).toBe(UNKNOWN_CLIENT);
    expect(clientIp(request(), undefined, 1)).toBe(UNKNOWN_CLIENT);
  });

  test("one trusted proxy: the rightmost entry, which that proxy appended; the client's own entries are ignored", () => {
    expect(clientIp(request("198.51.100.9"), "10.0.0.2", 1)).toBe("198.51.100.9");
    expect(clientIp(request("1.1.1.1, 2.2.2.2, 198.51.100.9"), "10.0.0.2", 1)).toBe("198.51.100.9");
    expect(clientIp(request("1.1.1.1,198.51.100.9"), null, 1)).toBe("198.51.100.9");
  });

  test("N trusted proxies: the Nth entry from the right", () => {
    expect(clientIp(request("1.1.1.1, 198.51.100.9, 10.0.0.5"), "10.0.0.2", 2)).toBe("198.51.100.9");
    // Fewer entries than proxies: the farthest entry a trusted proxy wrote.
    expect(clientIp(request("198.51.100.9"), "10.0.0.2", 3)).toBe("198.51.100.9");
  });

  test("a trusted position holding garbage falls back to the socket, never becomes a key", () => {
    expect(clientIp(request("1.1.1.1, not-an-ip"), "10.0.0.2", 1)).toBe("10.0.0.2");
    expect(clientIp(request("x".repeat(5000)), null, 1)).toBe(UNKNOWN_CLIENT);
    expect(clientIp(request(" , "), "10.0.0.2", 1)).toBe("10.0.0.2");
  });
});

describe("clientIp with TRUST_PROXY as a list of proxies", () => {
  const proxies = { proxies: ["10.0.0.0/8", "127.0.0.0/8", "::1/128"] };

  test("a peer outside the list: its own address, whatever X-Forwarded-For says", () => {
    expect(clientIp(request("198.51.100.9"), "203.0.113.7", proxies)).toBe("203.0.113.7");
    expect(clientIp(request("10.0.0.5"), "2001:db8::7", proxies)).toBe("2001:db8::7");
  });

  test("a listed peer: the rightmost entry that is not itself a listed proxy", () => {
    expect(clientIp(request("198.51.100.9"), "10.0.0.2", proxies)).toBe("198.51.100.9");
    expect(clientIp(request("1.1.1.1, 198.51.100.9"), "10.0.0.2", proxies)).toBe("198.51.100.9");
    expect(clientIp(request("1.1.1.1, 198.51.100.9, 10.0.0.5, 10.9.9.9"), "::ffff:127.0.0.1", proxies)).toBe("198.51.100.9");
    expect(clientIp(request(), "::1", proxies)).toBe("::1");
  });

  test("every entry a listed proxy: the farthest one; garbage ends the walk at the nearest proxy before it", () => {
    expect(clientIp(request("10.0.0.7, 10.0.0.5"), "10.0.0.2", proxies)).toBe("10.0.0.7");
    expect(clientIp(request("198.51.100.9, not-an-ip, 10.0.0.5"), "10.0.0.2", proxies)).toBe("10.0.0.5");
    expect(clientIp(request(" , "), "10.0.0.2", proxies)).toBe("10.0.0.2");
  });

  test("no socket (in-process app.handle): nothing vouches for the header, so it is the `unknown` client", () => {
    expect(clientIp(request("198.51.100.9"), null, proxies)).toBe(UNKNOWN_CLIENT);
  });
});

describe("clientKey", () => {
  test("an IPv4 address is its own key; an IPv6 address is keyed by its /64", () => {
    expect(clientKey("203.0.113.7")).toBe("203.0.113.7");
    expect(clientKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:db8:1:2::1")).toBe(clientKey("2001:db8:1:2:ffff::9"));
    expect(clientKey("2001:db8:1:3::1")).not.toBe(clientKey("2001:db8:1:2::1"));
    expect(clientKey(UNKNOWN_CLIENT)).toBe(UNKNOWN_CLIENT);
  });
});
