import { Elysia } from "elysia";

/** For everything that is not a page: JSON answers (errors included) must never run or frame anything. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Swagger UI at /docs: its script and style are files of ours (no inline script; see http/openapi.ts), it
 * fetches /docs/json, draws icons from data: URIs in its CSS, and sets style attributes from script.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * Security headers on every response, errors (404, 413, 422, 500) included: Elysia's default headers, copied
 * into each request's `set.headers` when its context is made, before any hook runs. A route that answers
 * with its own Content-Security-Policy (the page, /docs, the dev mailbox) keeps it: headers of a returned
 * Response win over these. HSTS only when the service is public over https.
 */
export const securityHeaders = ({ publicUrl }: { publicUrl?: string }) => {
  const https = publicUrl?.startsWith("https://") ?? false;
  return new Elysia({ name: "security-headers", seed: publicUrl ?? "" }).headers({
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": API_CSP,
    ...(https ? { "strict-transport-security": HSTS } : {}),
  });
};
