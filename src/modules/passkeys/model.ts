import { z } from "zod";

const base64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, "must be base64url");

/** The credential ID as the authenticator returns it (base64url); also the passkey's id in paths. */
export const credentialId = base64url(1023).min(1).meta({ description: "The passkey's credential ID (base64url)." });

const extensionResults = z.record(z.string().max(64), z.unknown()).default({});
const attachment = z.enum(["platform", "cross-platform"]).optional();

/** What `startRegistration` of @simplewebauthn/browser resolves to; fields the server does not read are dropped. */
export const registrationResponse = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(32_768),
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
  clientExtensionResults: extensionResults,
  authenticatorAttachment: attachment,
});

/** What `startAuthentication` resolves to. */
export const authenticationResponse = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(4096),
    signature: base64url(1024),
    userHandle: base64url(128).optional(),
  }),
  clientExtensionResults: extensionResults,
  authenticatorAttachment: attachment,
});

// Control characters (a NUL above all, which PostgreSQL text refuses) have no place in a name people read.
const passkeyName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^\P{Cc}*$/u, "must not hold control characters")
  .meta({ example: "My laptop" });

export const registerPasskeyBody = z.object({
  response: registrationResponse,
  name: passkeyName.optional().meta({ description: "A name to tell it apart; by default, the kind of authenticator." }),
});
export const signInWithPasskeyBody = z.object({ response: authenticationResponse });
export const renamePasskeyBody = z.object({ name: passkeyName });
export const passkeyParams = z.object({ id: credentialId });

export const creationOptionsResponse = z
  .looseObject({ challenge: z.string(), rp: z.looseObject({ id: z.string().optional(), name: z.string() }) })
  .meta({ description: "PublicKeyCredentialCreationOptionsJSON, for startRegistration({ optionsJSON })." });
export const requestOptionsResponse = z
  .looseObject({ challenge: z.string(), rpId: z.string().optional() })
  .meta({ description: "PublicKeyCredentialRequestOptionsJSON, for startAuthentication({ optionsJSON })." });

export const passkeyView = z.object({
  id: z.string(),
  name: z.string(),
  device_type: z.enum(["singleDevice", "multiDevice"]).meta({ description: "multiDevice: a synced passkey." }),
  backed_up: z.boolean(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});
export const passkeyListResponse = z.object({ passkeys: z.array(passkeyView) });

export type RegistrationResponse = z.infer<typeof registrationResponse>;
export type AuthenticationResponse = z.infer<typeof authenticationResponse>;
export type PasskeyView = z.infer<typeof passkeyView>;
export type CreationOptions = z.infer<typeof creationOptionsResponse>;
export type RequestOptions = z.infer<typeof requestOptionsResponse>;
