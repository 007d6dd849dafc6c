import { exportSPKI, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from "jose";
import type { ServerSigner } from "./server-tokens";

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
  /** Signs as the server does: tokens made with it carry a valid signature, so only their claims are wrong. */
  sign: ServerSigner;
  /** The server's SECRET_KEY: under an asymmetric algorithm an HS256 token signed with it is a forgery too. */
  secret: string;
  /** The server's published keys: used as an HMAC secret, they must not verify anything. */
  publicKeys: JWK[];
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
export async function forgedBearerHeaders({
  sign,
  secret,
  publicKeys,
  validToken,
  userId,
  sessionId,
  nowSeconds,
}: ForgeInput): Promise<string[]> {
  const [header, payload, signature] = validToken.split(".") as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
  const kid = JSON.parse(Buffer.from(header, "base64url").toString()).kid as string | undefined;
  const good = {
    iss: claims.iss,
    aud: claims.aud,
    sub: String(userId),
    email: claims.email,
    sid: sessionId,
    iat: nowSeconds,
    exp: nowSeconds + 600,
  };
  const strangerKey = (await generateKeyPair("EdDSA")).privateKey;
  const confusion = await Promise.all(
    publicKeys.map(async (jwk) => {
      const pem = await exportSPKI((await importJWK(jwk, jwk.alg!, { extractable: true })) as CryptoKey);
      return [await hs("HS256", JSON.stringify(jwk), good, { kid: jwk.kid }), await hs("HS256", pem, good, { kid: jwk.kid })];
    }),
  );
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
    // Properly signed with the server's key but invalid: expired, not yet valid, or with bad claims.
    await sign({ ...good, iat: nowSeconds - 7200, exp: nowSeconds - 3600 }),
    await sign({ ...good, exp: nowSeconds - 1 }),
    await sign({ ...good, nbf: nowSeconds + 3600 }),
    await sign({ ...good, exp: undefined }),
    await sign({ ...good, sid: undefined }),
    await sign({ ...good, sid: "not-a-uuid" }),
    await sign({ ...good, sid: 42 }),
    await sign({ ...good, sub: "1e3" }),
    await sign({ ...good, sub: "-1" }),
    await sign({ ...good, sub: "9".repeat(40) }),
    await sign({ ...good, sub: "2147483648" }),
    await sign({ ...good, sub: { id: userId } }),
    await sign({ ...good, sub: undefined }),
    await sign({ ...good, email: undefined }),
    await sign({ ...good, exp: "tomorrow" }),
    await sign({ ...good, iss: "https://issuer.example" }),
    await sign({ ...good, iss: undefined }),
    await sign({ ...good, aud: "another-audience" }),
    await sign({ ...good, aud: undefined }),
    ...(publicKeys.length > 0 ? [await sign(good, { kid: "not-a-published-key" })] : []),
    // A key that is not in the server's set, under the id of one that is.
    await new SignJWT(good as JWTPayload).setProtectedHeader({ alg: "EdDSA", ...(kid ? { kid } : {}) }).sign(strangerKey),
    // The published keys used as HMAC secrets (the algorithm-confusion attack).
    ...confusion.flat(),
    // Other keys and algorithms (under EdDSA or ES256, SECRET_KEY itself is one of them).
    ...(publicKeys.length > 0 ? [await hs("HS256", secret, good), await hs("HS256", secret, good, { kid })] : []),
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
