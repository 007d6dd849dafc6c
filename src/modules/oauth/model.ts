import { z } from "zod";
import { sessionTokensResponse } from "../sessions/model";

export const providerParams = z.object({
  provider: z.string().max(32).meta({ description: "`google` or `github`", example: "github" }),
});

export const startQuery = z.object({
  redirect_uri: z
    .string()
    .max(2048)
    .optional()
    .meta({ description: "Where the provider sends the browser back; must be one of the configured redirect URIs (default: the first)." }),
});

export const startResponse = z.object({
  provider: z.string(),
  auth_url: z.string().meta({ description: "Send the browser here." }),
  state: z.string().meta({ description: "Signed, single-use; comes back with the code. Also part of auth_url." }),
});

export const callbackBody = z.object({
  code: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .meta({ description: "The `code` query parameter the provider redirected back with. Required unless `error` is given." }),
  state: z.string().min(1).max(1024).meta({ description: "The `state` query parameter the provider redirected back with." }),
  redirect_uri: z.string().max(2048).optional().meta({ description: "If given, must be the redirect URI the sign-in was started with." }),
  error: z
    .string()
    .regex(/^[\w.-]{1,64}$/, "must be an OAuth error code")
    .optional()
    .meta({ description: "The provider's `error` query parameter, when it redirected back without a code (e.g. `access_denied`)." }),
});

export const callbackResponse = sessionTokensResponse.extend({ provider: z.string() });

export type StartResponse = z.infer<typeof startResponse>;
export type CallbackBody = z.infer<typeof callbackBody>;
export type CallbackResponse = z.infer<typeof callbackResponse>;
