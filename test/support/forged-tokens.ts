import { SignJWT } from "jose";

const b64url = (value: string | Uint8Array) => Buffer.from(value).toString("base64url");
const encodeJson = (value: object) => b64url(JSON.stringify(value));

/** A JWT with any header and payload, signed with HMAC-SHA256 (or unsigned with `signature: ""`). */
function rawJwt(header: object, payload: object, signature?: string): string {
  return `${encodeJson(header)}.${encodeJson(payload)}.${signature ?? ""}`;
}

async function hs(
  alg: "HS256" | "HS384" | "HS512",
  secret: string,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
) {
  return new SignJWT(payload).setProtectedHeader({ ...header, alg, typ: "JWT" }).sign(new TextEncoder().encode(secret));
}

/** Flips one character of a base64url string, keeping it base64url. */
const flip = (text: string, at: number) => {
  const i = ((at % text.length) + text.length) % text.length;
  return text.slice(0, i) + (text[i] === "A" ? "B" : "A") + text.slice(i + 1);
};

export interface ForgeInput {
  /** The server's SECRET_KEY: tokens signed with it carry a valid signature, so only their claims are wrong. */
  secret: string;
  /** A token the server issued and still accepts. */
  validToken: string;
  userId: number;
  sessionId: string;
  /** The server's "now" in seconds (the harness clock). */
  nowSeconds: number;
}

/**
 * Authorization header values that must all be refused with 401: no token, garbage, `alg: none`, tampered
 * payloads and signatures, expired or not-yet-valid tokens, other secrets and algorithms, bad claims
 * (correctly signed). A revoked session's token is added by the caller. (A token signed with the server's
 * secret for a session that was never opened is accepted: only the server can make one.)
 */
export async function forgedBearerHeaders({ secret, validToken, userId, sessionId, nowSeconds }: ForgeInput): Promise<string[]> {
  const [header, payload, signature] = validToken.split(".") as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
  const good = { sub: String(userId), email: claims.email, sid: sessionId, iat: nowSeconds, exp: nowSeconds + 600 };
  const otherSid = crypto.randomUUID();
  const tokens = [
    // No signature at all.
    ...["none", "None", "NONE", "nOnE"].map((alg) => rawJwt({ alg, typ: "JWT" }, good)),
    rawJwt({ alg: "none" }, good, signature),
    rawJwt({ alg: "HS256", typ: "JWT" }, good),
    // Tampered: another user or session under the original signature; a changed or cut signature.
    `${header}.${encodeJson({ ...claims, sub: String(userId + 1) })}.${signature}`,
    `${header}.${encodeJson({ ...claims, sid: otherSid })}.${signature}`,
    `${header}.${encodeJson({ ...claims, exp: nowSeconds + 10 ** 9 })}.${signature}`,
    // Not the last character: of its 6 bits only 4 carry signature bytes, so A <-> B there decodes to the same
    // signature (a different spelling of a valid token, not a forgery).
    `${header}.${payload}.${flip(signature, -2)}`,
    `${header}.${payload}.${flip(signature, 0)}`,
    `${header}.${payload}.${signature.slice(0, -4)}`,
    `${header}.${payload}.`,
    `${header}.${payload}`,
    `${flip(header, 2)}.${payload}.${signature}`,
    `${validToken}x`,
    `${validToken}.${signature}`,
    // Properly signed with the server's secret but invalid: expired, not yet valid, or with bad claims.
    await hs("HS256", secret, { ...good, iat: nowSeconds - 7200, exp: nowSeconds - 3600 }),
    await hs("HS256", secret, { ...good, exp: nowSeconds - 1 }),
    await hs("HS256", secret, { ...good, nbf: nowSeconds + 3600 }),
    await hs("HS256", secret, { ...good, exp: undefined }),
    await hs("HS256", secret, { ...good, sid: undefined }),
    await hs("HS256", secret, { ...good, sid: "not-a-uuid" }),
    await hs("HS256", secret, { ...good, sid: 42 }),
    await hs("HS256", secret, { ...good, sub: "1e3" }),
    await hs("HS256", secret, { ...good, sub: "-1" }),
    await hs("HS256", secret, { ...good, sub: "9".repeat(40) }),
    await hs("HS256", secret, { ...good, sub: "2147483648" }),
    await hs("HS256", secret, { ...good, sub: { id: userId } }),
    await hs("HS256", secret, { ...good, sub: undefined }),
    await hs("HS256", secret, { ...good, email: undefined }),
    await hs("HS256", secret, { ...good, exp: "tomorrow" }),
    // Other keys and algorithms.
    await hs("HS256", "a-different-secret-that-is-long-enough-0123456789", good),
    await hs("HS256", "", good).catch(() => rawJwt({ alg: "HS256" }, good, "")),
    await hs("HS384", secret, good),
    await hs("HS512", secret, good),
    rawJwt({ alg: "RS256", typ: "JWT" }, good, signature),
    rawJwt({ alg: "ES256", typ: "JWT" }, good, signature),
    await hs("HS256", secret, good, { kid: "../../../../dev/null", jku: "http://127.0.0.1:1/jwks", crit: ["exp"] }).catch(() => "x.y.z"),
    // Not JWTs.
    "",
    "null",
    "undefined",
    "[object Object]",
    "a.b.c",
    "..",
    "...",
    "e30.e30.e30",
    "eyJ",
    `${"A".repeat(8000)}.${"B".repeat(100)}.c`,
    b64url(crypto.getRandomValues(new Uint8Array(48))),
  ];
  return [
    ...tokens.map((token) => `Bearer ${token}`),
    "Bearer",
    "Bearer ",
    "bearer",
    `Bearer  ${validToken} extra`,
    `Bearer ${validToken}, Bearer ${validToken}`,
    `Basic ${validToken}`,
    `Token ${validToken}`,
    validToken,
    `Bearer\t${validToken}\u00a0`,
    "Bearer \u00e9\u00e8",
    'Digest username="a"',
  ];
}

/** Authorization header values for the admin routes that must be refused with 401 (none names a valid pair). */
export function forgedBasicHeaders(user: string, password: string): string[] {
  const basic = (text: string) => `Basic ${Buffer.from(text, "utf8").toString("base64")}`;
  return [
    "Basic",
    "Basic ",
    "basic",
    "Basic !!!!",
    "Basic ====",
    `Basic ${"QUFB".repeat(400)}`,
    "Basic YWRtaW4=",
    basic(`${user}:wrong-${password}`),
    basic(`${user}:`),
    basic(`:${password}`),
    basic(`${password}:${user}`),
    basic(":"),
    basic(user),
    basic(`${user.toUpperCase()}:${password}`),
    basic(`${user}:${password} `),
    basic(` ${user}:${password}`),
    basic(`${user}:${password.slice(0, -1)}`),
    basic(`${user}\u0000:${password}`),
    basic(`ädmin:pässwörd`),
    `${basic(`${user}:${password}`)} extra`,
    `Bearer ${Buffer.from(`${user}:${password}`).toString("base64")}`,
    basic(`${user}:${password}`).slice(0, -6),
    `Basic ${Buffer.from(`${user}:${password}`).toString("hex")}`,
  ];
}
