import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";

/**
 * A software passkey authenticator for API tests: what a phone or security key does, built from the WebAuthn
 * spec (ES256 key, `none` attestation, discoverable credential). The browser tests use Chromium's virtual
 * authenticator instead; this one lets a test bend each field an attacker controls.
 */
export interface SoftAuthenticator {
  credentialId: string;
  /** The user handle the authenticator stored at registration (base64url), sent back with every sign-in. */
  userHandle: string | null;
  counter: number;
  register(options: any, overrides?: CeremonyOverrides): any;
  signIn(options: any, overrides?: CeremonyOverrides): any;
}

export interface CeremonyOverrides {
  origin?: string;
  rpId?: string;
  /** Leave out the user-verified flag (a touch without PIN or biometrics). */
  noUserVerification?: boolean;
  /** Sign with this counter instead of the next one. */
  counter?: number;
  /** Another challenge than the options'. */
  challenge?: string;
  userHandle?: string;
}

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

function authenticatorData(rpId: string, flags: number, counter: number, attested?: Uint8Array): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(counter);
  return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
}

function coseKey(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: "jwk" });
  const cose = new Map<number, number | Uint8Array>([
    [1, 2], // kty: EC2
    [3, -7], // alg: ES256
    [-1, 1], // crv: P-256
    [-2, Buffer.from(jwk.x!, "base64url")],
    [-3, Buffer.from(jwk.y!, "base64url")],
  ]);
  return isoCBOR.encode(cose);
}

export function createSoftAuthenticator(): SoftAuthenticator {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const id = randomBytes(16);
  const clientData = (type: string, options: any, o: CeremonyOverrides) =>
    Buffer.from(
      JSON.stringify({
        type,
        challenge: o.challenge ?? options.challenge,
        origin: o.origin ?? "http://localhost:3000",
        crossOrigin: false,
      }),
    );
  const flags = (o: CeremonyOverrides) => FLAG_UP | (o.noUserVerification ? 0 : FLAG_UV);

  const authenticator: SoftAuthenticator = {
    credentialId: b64url(id),
    userHandle: null,
    counter: 0,
    register(options, o = {}) {
      authenticator.userHandle = options.user.id;
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(id.length);
      const attested = Buffer.concat([Buffer.alloc(16), idLength, id, coseKey(publicKey)]);
      const authData = authenticatorData(o.rpId ?? options.rp.id, flags(o) | FLAG_AT, authenticator.counter, attested);
      const attestationObject = isoCBOR.encode(
        new Map<string, unknown>([
          ["fmt", "none"],
          ["attStmt", new Map()],
          ["authData", authData],
        ]) as any,
      );
      return {
        id: b64url(id),
        rawId: b64url(id),
        type: "public-key",
        response: {
          clientDataJSON: b64url(clientData("webauthn.create", options, o)),
          attestationObject: b64url(attestationObject),
          transports: ["internal"],
        },
        clientExtensionResults: {},
        authenticatorAttachment: "platform",
      };
    },
    signIn(options, o = {}) {
      const counter = o.counter ?? ++authenticator.counter;
      const authData = authenticatorData(o.rpId ?? options.rpId, flags(o), counter);
      const data = clientData("webauthn.get", options, o);
      const signature = sign("sha256", Buffer.concat([authData, sha256(data)]), { key: privateKey, dsaEncoding: "der" });
      return {
        id: b64url(id),
        rawId: b64url(id),
        type: "public-key",
        response: {
          clientDataJSON: b64url(data),
          authenticatorData: b64url(authData),
          signature: b64url(signature),
          userHandle: o.userHandle ?? authenticator.userHandle ?? undefined,
        },
        clientExtensionResults: {},
        authenticatorAttachment: "platform",
      };
    },
  };
  return authenticator;
}
