/// <reference types="bun" />
/// <reference path="./types/assets.d.ts" />
/// <reference path="./types/admin-assets.d.ts" />
/**
 * The types-only entry point `otp-auth/client` (package.json "exports"): what another Bun or TypeScript project
 * builds a typed client from, `treaty<App>(url)` of `@elysiajs/eden`. It exports a type and nothing else, so
 * importing it loads none of the server at run time. The references make the server's source, which the
 * consumer's compiler reads to infer the type, check under the consumer's tsconfig: Bun's globals and the
 * declarations of the files the server imports as paths.
 */
export type { App } from "./app";
