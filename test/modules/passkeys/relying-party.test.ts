import { describe, expect, test } from "bun:test";
import type { AppError } from "../../../src/errors";
import { relyingPartyFrom } from "../../../src/modules/passkeys/relying-party";

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as AppError).code;
  }
  return null;
};

describe("the relying party of passkeys", () => {
  test("PUBLIC_URL's host is the RP ID and its origin the one accepted (a request without Origin gets it too)", () => {
    const rp = relyingPartyFrom({ PUBLIC_URL: "https://auth.example.org", NODE_ENV: "production" });
    expect(rp.name).toBe("auth.example.org");
    expect(rp.ceremonyFor("https://auth.example.org")).toEqual({ origin: "https://auth.example.org", rpId: "auth.example.org" });
    expect(rp.ceremonyFor(null)).toEqual({ origin: "https://auth.example.org", rpId: "auth.example.org" });
    for (const origin of [
      "http://auth.example.org",
      "https://auth.example.org:8443",
      "https://evil.example",
      "http://localhost:3000",
      "null",
    ]) {
      expect(refusal(() => rp.ceremonyFor(origin))).toBe("passkey_origin_not_allowed");
    }
  });

  test("outside production, pages on localhost work with RP ID localhost; 127.0.0.1 cannot (browsers refuse IPs)", () => {
    const rp = relyingPartyFrom({ NODE_ENV: "development" });
    expect(rp.ceremonyFor("http://localhost:5173")).toEqual({ origin: "http://localhost:5173", rpId: "localhost" });
    expect(refusal(() => rp.ceremonyFor("http://127.0.0.1:8000"))).toBe("passkey_origin_not_allowed");
    expect(refusal(() => rp.ceremonyFor(null))).toBe("passkey_origin_not_allowed");
    expect(refusal(() => rp.ceremonyFor("file://localhost/x"))).toBe("passkey_origin_not_allowed");
  });

  test("in production without PUBLIC_URL passkeys are unavailable (503 naming the setting), localhost included", () => {
    const rp = relyingPartyFrom({ NODE_ENV: "production" });
    expect(refusal(() => rp.ceremonyFor("http://localhost:3000"))).toBe("passkeys_unavailable");
    expect(refusal(() => rp.ceremonyFor(null))).toBe("passkeys_unavailable");
  });
});
