// A service that trusts otp-auth's tokens knowing nothing but the JWKS URL, run as a process of its own:
// `bun jwks-verifier.ts <jwks-url> <issuer> <audience> <cache-max-age-ms>`. It reads one token per line on
// stdin and answers each with one JSON line: {"ok":true,"kid":...,"payload":{...}} or {"ok":false,"error":...}.
import { createRemoteJWKSet, jwtVerify } from "jose";

const [jwksUrl, issuer, audience, cacheMaxAge] = process.argv.slice(2) as [string, string, string, string];
// A verifier that honours the JWKS's max-age (jose's default keeps a set ten minutes).
const keys = createRemoteJWKSet(new URL(jwksUrl), { cacheMaxAge: Number(cacheMaxAge) });

for await (const line of console) {
  const token = line.trim();
  try {
    const { payload, protectedHeader } = await jwtVerify(token, keys, { issuer, audience, algorithms: ["EdDSA", "ES256"] });
    console.log(JSON.stringify({ ok: true, kid: protectedHeader.kid, payload }));
  } catch (error) {
    console.log(JSON.stringify({ ok: false, error: (error as { code?: string }).code ?? (error as Error).message }));
  }
}
