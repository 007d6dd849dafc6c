import type { SeededRandom } from "./seeded-random";

/**
 * Values a careless server chokes on. Strings that stand for a secret get a canary (`ZQXS` + 6 digits) and
 * every other generated string its own (`ZQXP` + 6 digits), so an answer that repeats any of them is caught.
 */
export const SECRET_CANARY = /zqxs\d{6}/i;
export const PLAIN_CANARY = /zqxp\d{6}/i;

export const canary = (random: SeededRandom, kind: "S" | "P") => `ZQX${kind}${random.chars(6, "0123456789")}`;

/** JSON values of every type but string. */
export const WRONG_TYPES: unknown[] = [
  0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, true, false, null, [], {}, [[]], [null], { $ne: null }, { $gt: "" },
  { __proto__: { admin: true } }, ["a", "b"], { length: 8 }, { toString: "x" },
];

/** Strings that are odd in themselves: control characters, odd unicode, injections, numbers in disguise. */
export const ODD_STRINGS: string[] = [
  "", " ", "\u0000", "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000", "\t\r\n", "\r\nBcc: victim@example.com", "\u2028\u2029",
  "\u202e\u202d", "\u200b\u200c\u200d\ufeff", "\ud800", "\udfff", "\ud800\ud800\udfff", "😀".repeat(40), "A\u030a".repeat(10),
  "İıßẞﬁ", "𝕒𝕕𝕞𝕚𝕟", "ＡＢＣ", "١٢٣٤٥٦", "１２３４５６", "\u{10ffff}\u{e0001}", "\u00ff\u00fe", "%00", "%zz%", "\\u0000",
  "' OR '1'='1", "'; drop table users; --", "%_%", "\\", "\"", "${jndi:ldap://127.0.0.1/x}", "{{7*7}}", "<script>alert(1)</script>",
  "../../../../etc/passwd", "__proto__", "constructor", "prototype", "toString", "NaN", "Infinity", "-0", "1e309", "0x1F",
  "null", "undefined", "true", "[]", "{}",
];

export const ODD_EMAILS: string[] = [
  "a@b", "@example.com", "a@", "a@@example.com", "a@example", `${"a".repeat(64)}@${"b".repeat(250)}.com`, "A@EXAMPLE.COM",
  " padded@example.com ", "a@example.com\r\nBcc: victim@example.com", "a@example.com\u0000", "\u0000@example.com",
  "\"quoted local\"@example.com", "a@[127.0.0.1]", "a@localhost", "ü@exämple.com", "a+tag@example.com", "a..b@example.com",
  ".a@example.com", "a@-example.com", "a@example..com", "a@example.com.", "İ@example.com", "a@ex\u200bample.com", "a b@example.com",
  "a@example.com,b@example.com", "a@example.com;b@example.com", "<a@example.com>", "a@example.com<script>",
];

/** A string of about `bytes` characters (kept ASCII, so characters and bytes agree). */
export const hugeString = (random: SeededRandom, bytes: number) => random.chars(64).repeat(Math.ceil(bytes / 64)).slice(0, bytes);

/** `[[[...]]]` or `{"a":{"a":...}}` nested `depth` deep, as JSON text. */
export const deepJson = (depth: number, kind: "array" | "object") =>
  kind === "array" ? `${"[".repeat(depth)}1${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

/** JSON text that does not parse, or parses to something surprising. */
export const BAD_JSON: (string | Uint8Array)[] = [
  "{", "}", "{\"email\":}", "{'email': 'a@example.com'}", "{\"email\": \"a@example.com\",}", "{\"a\":1} trailing", "NaN", "undefined",
  "{\"email\": \"\\ud800\"}", "{\"password\": \"\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\"}", "\ufeff{\"email\":\"a@example.com\"}",
  "/* comment */ {}", "{\"a\": 1e999}", "{\"a\": 123456789012345678901234567890}", "{\"email\": \"a\", \"email\": \"b\"}",
  "\"unterminated", "[1, 2, 3", "{\"a\": \"\\x41\"}", "{\"a\": \"\\uZZZZ\"}", "{\"a\"\u0000: 1}", "\u0000", " ", "\n",
  "{\"__proto__\": {\"admin\": true}}", "{\"constructor\": {\"prototype\": {\"admin\": true}}}",
  new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]), new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
  new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
];

/** Content types other than JSON, and JSON spelled oddly. */
export const CONTENT_TYPES: (string | null)[] = [
  null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=zzz", "application/xml", "text/html",
  "application/octet-stream", "application/jsonx", "application/json-patch+json", "application/vnd.api+json", "json", "*/*", "",
  "application/json; charset=utf-16", "APPLICATION/JSON", "application/json, text/plain", "application/json;;;", "text/json",
];

/** Path segments that are not what a route expects. */
export const ODD_SEGMENTS: string[] = [
  "abc", "-1", "0", "1.5", "1e3", "0x10", "99999999999999999999", "2147483648", "9007199254740993", "NaN", "Infinity", "%00", "1%00",
  "%20", "%zz", "%FF", "%ED%A0%80", "%C0%AF", "'%20OR%201=1", "..%2F..%2Fetc", "%2e%2e", "%F0%9F%98%80", "%EF%BC%91", "null", "[]",
  "%7B%7D", "1,2", "+1", "01", " 1", "a".repeat(3000), "__proto__", "constructor", "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff", "{00000000-0000-0000-0000-000000000000}", "00000000000000000000000000000000",
];

/** Raw query-string pieces: broken percent-encodings, repeats, arrays, prototype keys. */
export const ODD_QUERY: string[] = [
  "%zz=1", "a=%zz", "a=%", "a=%ED%A0%80", "a=%C0%AF", "a=%FF%FE", "__proto__=1", "__proto__[admin]=1", "constructor[prototype][a]=1",
  "a[]=1&a[]=2", "a[b]=1", "&&&", "=", "==", "a==b", `a=${"b".repeat(5000)}`, "%00=%00", "a=1;b=2", "a+b=c+d",
];

export const ODD_FORWARDED_FOR: string[] = [
  "", "::::::", "999.1.1.1", "1.2.3.4, 5.6.7.8", "unknown", "[::1]:99999", "127.1", "0x7f.0.0.1", "fe80::1%eth0", "a".repeat(500),
  "2001:db8::1", "::ffff:1.2.3.4", "1.2.3.4:80", ",,,", "1.2.3.4,,,", "\u00ff\u00fe",
];
