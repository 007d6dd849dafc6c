import { z } from "zod";

export const jwksResponse = z.object({
  keys: z.array(
    z
      .object({
        kty: z.string(),
        kid: z.string(),
        alg: z.string(),
        use: z.string(),
        crv: z.string(),
        x: z.string(),
        y: z.string().optional(),
      })
      .describe("A public key in JWK form"),
  ),
});

export const discoveryResponse = z.object({
  issuer: z.string(),
  jwks_uri: z.string(),
  subject_types_supported: z.array(z.string()),
  id_token_signing_alg_values_supported: z.array(z.string()),
  claims_supported: z.array(z.string()),
});
