import { detailError } from "../modules/auth/model";

/** OpenAPI response entries for the error statuses a route can answer, all `{detail, code}`. */
export const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, detailError]));

/** OpenAPI `security` of routes that take a Bearer access token. */
export const bearerAuth = { security: [{ bearerAuth: [] }] };
