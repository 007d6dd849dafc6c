import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../../src/modules/auth/model";
import { clientConfigRoutes } from "../../../src/modules/client-config/routes";
import { describeClientConfig } from "../../../src/modules/client-config/service";
import { startHarness, type Harness } from "../../support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { OTP_LENGTH: "8", OTP_EXPIRE_SECONDS: "300", OTP_RESEND_COOLDOWN_SECONDS: "45", ACCESS_TOKEN_EXPIRE_MINUTES: "15" },
  });
});
afterAll(() => h.close());

const settings = { OTP_LENGTH: 6, OTP_EXPIRE_SECONDS: 120, OTP_RESEND_COOLDOWN_SECONDS: 60, ACCESS_TOKEN_EXPIRE_MINUTES: 30 };

describe("GET /auth/config", () => {
  test("answers exactly the configured code length and timings and the password rules, without a token", async () => {
    const { status, body, headers } = await h.call("GET", "/auth/config");
    expect(status).toBe(200);
    expect(headers.get("content-type")).toStartWith("application/json");
    expect(headers.get("cache-control")).toBe("no-cache");
    expect(body).toEqual({
      otp_length: 8,
      otp_expire_seconds: 300,
      otp_resend_cooldown_seconds: 45,
      access_token_expire_minutes: 15,
      password_min_length: 8,
      password_max_length: 128,
      // No OAuth credentials and a real SMTP server in this configuration.
      oauth_providers: [],
      mailbox_url: null,
    });
  });

  test("the password rules are the ones the register route enforces", async () => {
    expect([PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH]).toEqual([8, 128]);
    const tooShort = "x".repeat(PASSWORD_MIN_LENGTH - 1);
    const tooLong = "x".repeat(PASSWORD_MAX_LENGTH + 1);
    for (const password of [tooShort, tooLong]) {
      const { status } = await h.call("POST", "/auth/register", { email: "rules@example.com", password });
      expect(status).toBe(422);
    }
  });

  test("lists the OAuth providers and the mailbox it is given, each provider once", async () => {
    const app = clientConfigRoutes({
      config: settings,
      oauthProviders: ["github", "google", "github"],
      mailboxUrl: "/dev/mailbox",
    });
    const response = await app.handle(new Request("http://localhost/auth/config"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      otp_length: 6,
      otp_expire_seconds: 120,
      otp_resend_cooldown_seconds: 60,
      access_token_expire_minutes: 30,
      password_min_length: 8,
      password_max_length: 128,
      oauth_providers: ["github", "google"],
      mailbox_url: "/dev/mailbox",
    });
  });

  test("with no provider and no mail catcher: an empty list and null", () => {
    const body = describeClientConfig({ config: settings, oauthProviders: [], mailboxUrl: null });
    expect(body.oauth_providers).toEqual([]);
    expect(body.mailbox_url).toBeNull();
  });

  test("is described in the OpenAPI document with its response schema", async () => {
    const { body: spec } = await h.call("GET", "/docs/json");
    const operation = spec.paths["/auth/config"].get;
    expect(operation.security ?? []).toEqual([]);
    const schema = operation.responses["200"].content["application/json"].schema;
    expect(schema.required.sort()).toEqual([
      "access_token_expire_minutes",
      "mailbox_url",
      "oauth_providers",
      "otp_expire_seconds",
      "otp_length",
      "otp_resend_cooldown_seconds",
      "password_max_length",
      "password_min_length",
    ]);
    expect(schema.properties.oauth_providers.items.enum).toEqual(["google", "github"]);
  });
});
