import { z } from "zod";

/** The body of every error answer (src/http/error-handler.ts). */
const detailError = z.object({
  detail: z.string(),
  code: z.string().optional().meta({ description: "Stable machine-readable reason, e.g. `otp_required`." }),
  otp_token: z
    .string()
    .optional()
    .meta({ description: "With `otp_required` and `email_not_verified`: send it back with the code to /auth/verify-otp." }),
});

export const messageResponse = z.object({ message: z.string() });

/** OpenAPI response entries for the error statuses a route can answer, all `{detail, code}`. */
export const errors = <const Status extends number>(...statuses: Status[]) =>
  // Typed by status, not as a string index: Eden's typed client derives each error's status and body from these keys.
  Object.fromEntries(statuses.map((status) => [status, detailError])) as { [S in Status]: typeof detailError };

/** OpenAPI `security` of routes that take a Bearer access token. */
export const bearerAuth = { security: [{ bearerAuth: [] }] };
