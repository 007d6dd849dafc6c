import { z } from "zod";
import { OAUTH_PROVIDER_NAMES } from "../oauth/providers";

/** What a client needs before it draws the forms: code length and timings, password rules, sign-in options. */
export const clientConfigResponse = z.object({
  otp_length: z.number().int().meta({ description: "Digits per code.", example: 6 }),
  otp_expire_seconds: z.number().int().meta({ description: "How long a mailed code stays valid.", example: 120 }),
  otp_resend_cooldown_seconds: z
    .number()
    .int()
    .meta({ description: "Minimum wait between two codes mailed to one address (0: none).", example: 60 }),
  access_token_expire_minutes: z.number().int().meta({ description: "Access token lifetime.", example: 30 }),
  password_min_length: z.number().int().meta({ example: 8 }),
  password_max_length: z.number().int().meta({ example: 128 }),
  oauth_providers: z
    .array(z.enum(OAUTH_PROVIDER_NAMES))
    .meta({ description: "Providers offered for sign-in; empty when none is configured.", example: ["google", "github"] }),
  mailbox_url: z
    .string()
    .max(2048)
    .nullable()
    .meta({ description: "The development mail catcher's inbox (relative to the API), or null when mail is really sent.", example: null }),
});

export type ClientConfig = z.infer<typeof clientConfigResponse>;
