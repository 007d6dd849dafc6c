import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/load";
import { configuredProviderNames, defineProviders } from "../../../src/modules/oauth/providers";
import { MINIMAL_ENV as minimal, problemsOf } from "../../support/config";

describe("OAuth configuration", () => {
  test("defaults: the providers' public endpoints, a 600 s state, and no provider on", () => {
    const config = loadConfig(minimal);
    expect(config).toMatchObject({
      OAUTH_STATE_TTL_SECONDS: 600,
      GOOGLE_AUTHORIZE_URL: "https://accounts.google.com/o/oauth2/v2/auth",
      GOOGLE_TOKEN_URL: "https://oauth2.googleapis.com/token",
      GOOGLE_USERINFO_URL: "https://openidconnect.googleapis.com/v1/userinfo",
      GITHUB_AUTHORIZE_URL: "https://github.com/login/oauth/authorize",
      GITHUB_TOKEN_URL: "https://github.com/login/oauth/access_token",
      GITHUB_API_URL: "https://api.github.com",
    });
    expect(configuredProviderNames(config)).toEqual([]);
    expect(defineProviders(config).google.missing).toEqual(["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GOOGLE_REDIRECT_URI"]);
  });

  test("a provider is on once its three credentials are set; redirect URIs are a comma list", () => {
    const config = loadConfig({
      ...minimal,
      GITHUB_CLIENT_ID: "id",
      GITHUB_CLIENT_SECRET: "secret",
      GITHUB_REDIRECT_URI: "http://127.0.0.1:8000/ , https://app.example.com/login,",
    });
    expect(config.GITHUB_REDIRECT_URI).toEqual(["http://127.0.0.1:8000/", "https://app.example.com/login"]);
    expect(configuredProviderNames(config)).toEqual(["github"]);
  });

  test("GitHub Enterprise: the endpoint variables move every GitHub call", () => {
    const github = defineProviders(
      loadConfig({
        ...minimal,
        GITHUB_AUTHORIZE_URL: "https://ghe.example.com/login/oauth/authorize",
        GITHUB_TOKEN_URL: "https://ghe.example.com/login/oauth/access_token",
        GITHUB_API_URL: "https://ghe.example.com/api/v3/",
      }),
    ).github;
    expect(github).toMatchObject({
      authorizeUrl: "https://ghe.example.com/login/oauth/authorize",
      tokenUrl: "https://ghe.example.com/login/oauth/access_token",
      profileUrl: "https://ghe.example.com/api/v3",
    });
  });

  test("endpoints must be https, plain http only on loopback; bad redirect URIs are named, never echoed", () => {
    expect(loadConfig({ ...minimal, GOOGLE_TOKEN_URL: "http://127.0.0.1:9999/token" }).GOOGLE_TOKEN_URL).toBe(
      "http://127.0.0.1:9999/token",
    );
    const problems = problemsOf({
      ...minimal,
      GITHUB_TOKEN_URL: "http://github.internal/token",
      GOOGLE_USERINFO_URL: "not a url",
      GOOGLE_REDIRECT_URI: "javascript:alert(1)",
      GITHUB_REDIRECT_URI: "https://app.example.com/#frag-secret",
      OAUTH_STATE_TTL_SECONDS: "0",
    });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "GITHUB_REDIRECT_URI",
      "GITHUB_TOKEN_URL",
      "GOOGLE_REDIRECT_URI",
      "GOOGLE_USERINFO_URL",
      "OAUTH_STATE_TTL_SECONDS",
    ]);
    const text = problems.join("\n");
    for (const value of ["github.internal", "javascript", "frag-secret"]) expect(text).not.toContain(value);
  });
});
