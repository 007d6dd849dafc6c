import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { requestContext } from "../../src/http/request-context";
import { startHarness, type Harness } from "../support/harness";

// The language a request asks for rides on `client`, so the mails it causes speak it; an administrator's
// request carries none, as its mails go to someone else.
let h: Harness;
let app: Elysia;

beforeAll(async () => {
  h = await startHarness({ backend: "embedded" });
  const context = requestContext({
    tokens: h.deps.tokens,
    isRevoked: async () => false,
    limits: h.deps.routeLimits,
    trustedProxies: h.config.TRUST_PROXY,
  });
  app = new Elysia()
    .use(context)
    .post("/auth/example", ({ client }) => client, { parse: "json" })
    .post("/auth/admin/users/1/example", ({ client }) => client, { parse: "json" }) as unknown as Elysia;
}, 30_000);
afterAll(() => h.close());

const send = async (path: string, body: unknown, language?: string) => {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (language) headers["accept-language"] = language;
  const response = await app.handle(new Request(`http://localhost${path}`, { method: "POST", headers, body: JSON.stringify(body) }));
  return (await response.json()) as { locale?: string; acceptLanguage?: string | null };
};

describe("the language of a request", () => {
  test("the body's locale (reduced to a language we speak) and the raw Accept-Language", async () => {
    expect(await send("/auth/example", { locale: "fr-CA" }, "de;q=0.5")).toMatchObject({ locale: "fr", acceptLanguage: "de;q=0.5" });
    const unknown = await send("/auth/example", { locale: "tlh" });
    expect(unknown.locale).toBeUndefined();
    expect(unknown.acceptLanguage).toBeNull();
    expect((await send("/auth/example", ["de"])).locale).toBeUndefined();
  });

  test("an administrator's request carries no language", async () => {
    const client = await send("/auth/admin/users/1/example", { locale: "de" }, "es");
    expect(client.locale).toBeUndefined();
    expect(client.acceptLanguage).toBeUndefined();
  });
});
