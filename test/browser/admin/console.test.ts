import { describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { AUDIT_EVENTS } from "../../../src/audit/events";
import type { Page, Request } from "playwright-core";
import { ADMIN_ENV, basicAuth } from "../../support/admin";
import { accessibilityProblems, saveAdminScreens } from "../../support/admin-browser";
import { addVirtualAuthenticator, browserSuite, openPage, type OpenedPage } from "../../support/browser";
import { uniqueEmail } from "../../support/env";
import { routesFromOpenApi } from "../../support/openapi-routes";
import { totpAt, userWithTotp } from "../../modules/mfa/support";

const PASSWORD = "correct horse battery";
// Admin sessions shorter than the access tokens' 30 minutes, so an old admin session is told apart from an expired token.
const suite = browserSuite({ harness: { env: { ...ADMIN_ENV, ADMIN_SESSION_MINUTES: "10" } } });

async function newUser(label: string) {
  const email = uniqueEmail(label);
  const token = await suite.harness.createVerifiedUser(email, PASSWORD);
  const id = (await suite.harness.callAs(token, "GET", "/auth/me")).body.id as number;
  return { email, token, id };
}

async function newAdmin(label = "console-admin") {
  const user = await newUser(label);
  const granted = await suite.harness.call("PUT", `/auth/admin/users/${user.id}`, { role: "admin" }, { authorization: basicAuth() });
  expect(granted.status).toBe(200);
  return user;
}

/** The API calls (method and path) a page makes, recorded as it runs. */
function recordApiCalls(page: Page): string[] {
  const calls: string[] = [];
  page.on("request", (request: Request) => {
    const url = new URL(request.url());
    if (url.origin === suite.base && url.pathname.startsWith("/auth/")) calls.push(`${request.method()} ${url.pathname}`);
  });
  return calls;
}

async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Audit rows over the last week: a daily rhythm of sign-ins and codes, and a burst of failed and refused sign-ins. */
async function seedWeekOfActivity() {
  const hour = 3_600_000;
  const now = new Date(Math.floor(suite.harness.clock.now() / hour) * hour).toISOString();
  await suite.harness.rows(sql`insert into audit_events (created_at, event, outcome, detail)
    select ${now}::timestamptz - make_interval(hours => h), e.event, 'success', null
    from generate_series(1, 167) h
    cross join lateral generate_series(1, 1 + round(3 * (1 + sin(h / 24.0 * 2 * pi())))::int) i
    cross join (values ('login'), ('code_sent')) e(event)`);
  await suite.harness.rows(sql`insert into audit_events (created_at, event, outcome, detail)
    select ${now}::timestamptz - interval '30 hours', 'login', 'failure', case when i <= 40 then 'invalid_credentials' else 'login_blocked' end
    from generate_series(1, 65) i`);
}

/** Waits for a search to have replaced the first page of users with its one result. */
const onlyOneRow = (page: Page) => page.locator("#users-rows tr").nth(1).waitFor({ state: "detached" });

async function expectAccessible(page: Page) {
  expect(await accessibilityProblems(page)).toEqual([]);
}

describe("the admin console", () => {
  test("an admin signs in, finds a user, ends their sessions, disables them, and sees it in the audit log and the charts", async () => {
    const admin = await newAdmin();
    const target = await newUser("console-target");
    const secondSession = (await suite.harness.logIn(target.email, PASSWORD)).access_token;
    const opened: OpenedPage = await suite.open("/admin");
    const { page, problems } = opened;
    const calls = recordApiCalls(page);

    await page.getByRole("heading", { name: "Sign in to the admin console" }).waitFor();
    await expectAccessible(page);
    await saveAdminScreens(page, "01-sign-in");
    await signIn(page, admin.email);
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    expect(await page.getByRole("navigation", { name: "Console" }).isVisible()).toBe(true);
    await expectAccessible(page);
    await saveAdminScreens(page, "02-users");

    // Find the user by search.
    await page.getByLabel("Email contains").fill(target.email);
    await page.getByRole("button", { name: "Search" }).click();
    await onlyOneRow(page);
    await page.getByRole("link", { name: target.email }).waitFor();
    await page.getByRole("link", { name: target.email }).click();
    await page.getByRole("heading", { name: target.email, level: 1 }).waitFor();
    await page.locator("#user-sessions tr button").nth(1).waitFor();
    expect(await page.locator("#user-sessions tr").count()).toBe(2);
    await expectAccessible(page);
    await saveAdminScreens(page, "03-user");

    // End all sessions, after a confirmation: both tokens stop working at once.
    await page.getByRole("button", { name: "End all sessions" }).click();
    await page.getByRole("dialog").waitFor();
    expect(await page.locator("#confirm-text").textContent()).toContain(target.email);
    await expectAccessible(page);
    await saveAdminScreens(page, "04-confirm");
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("No live sessions.").waitFor();
    for (const token of [target.token, secondSession]) expect((await suite.harness.callAs(token, "GET", "/auth/me")).status).toBe(401);

    // Disable them: a token from a new sign-in stops at once too.
    const fresh = (await suite.harness.logIn(target.email, PASSWORD)).access_token;
    expect((await suite.harness.callAs(fresh, "GET", "/auth/me")).status).toBe(200);
    await page.getByRole("button", { name: "Disable" }).click();
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByRole("button", { name: "Enable" }).waitFor();
    expect((await suite.harness.callAs(fresh, "GET", "/auth/me")).status).toBe(401);
    expect(await page.locator("#user-events").textContent()).toContain("admin_user_update");

    // The audit view shows both actions, with the admin's id.
    await page.getByRole("link", { name: "Audit" }).click();
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    await page.getByLabel("User id").fill(String(target.id));
    await page.getByRole("button", { name: "Filter" }).click();
    await page.locator("#audit-rows").getByText("admin_sessions_revoke").waitFor();
    const audit = await page.locator("#audit-rows").textContent();
    expect(audit).toContain(`is_active=false by=${admin.id}`);
    expect(audit).toContain(`all by=${admin.id}`);
    // The event filter suggests every event name the server records (read from the admin API).
    const options = await page.locator("#audit-events option").all();
    const suggestions = await Promise.all(options.map((option) => option.getAttribute("value")));
    expect(suggestions).toEqual([...AUDIT_EVENTS]);
    await expectAccessible(page);
    await saveAdminScreens(page, "05-audit");
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const csv = await Bun.file((await (await download).path())!).text();
    expect(csv).toStartWith("id,created_at,event,outcome,user_id,email,ip,user_agent,detail\r\n");
    expect(csv).toContain(`admin_user_update,success,${target.id}`);

    // A week of traffic with an attack in it, so the charts (and their screenshots) have something to show.
    await seedWeekOfActivity();
    // The charts count the sign-ups and sign-ins just made.
    await page.getByRole("link", { name: "Activity" }).click();
    await page.locator("#activity-charts canvas").nth(1).waitFor();
    expect(await page.locator("#activity-charts figure").count()).toBe(2);
    const total = async (series: string) =>
      Number(await page.locator("#activity-totals tr").filter({ hasText: series }).locator("td").nth(1).textContent());
    expect(await total("Sign-ups")).toBeGreaterThanOrEqual(2);
    expect(await total("Failed sign-ins")).toBeGreaterThanOrEqual(65);
    expect(await total("Rate-limit refusals")).toBeGreaterThanOrEqual(25);
    await expectAccessible(page);
    await saveAdminScreens(page, "06-activity");
    await page.getByLabel("Count per", { exact: true }).selectOption("day");
    await page.getByLabel("Period", { exact: true }).selectOption("30");
    await page.getByRole("button", { name: "Show" }).click();
    await page.getByText("Sign-ups and sign-ins, per day").waitFor();

    await page.getByRole("link", { name: "Health" }).click();
    await page.getByRole("heading", { name: "Health" }).waitFor();
    await page.locator("#health-facts").getByText("PostgreSQL").waitFor();
    expect(await page.locator("#health-facts").textContent()).toContain("OK");
    await expectAccessible(page);
    await saveAdminScreens(page, "07-health");

    // Dark mode keeps its contrast.
    await page.emulateMedia({ colorScheme: "dark" });
    await page.getByRole("link", { name: "Users" }).click();
    await page.locator("#users-rows a").first().waitFor();
    await expectAccessible(page);
    await saveAdminScreens(page, "08-users-dark");
    await page.getByRole("link", { name: "Activity" }).click();
    await page.locator("#activity-charts canvas").nth(1).waitFor();
    await saveAdminScreens(page, "09-activity-dark");

    // Every call the console made is an operation of the OpenAPI document.
    const operations = routesFromOpenApi((await suite.harness.call("GET", "/docs/json")).body).map(
      (route) => new RegExp(`^${route.method} ${route.path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    );
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((call) => !operations.some((operation) => operation.test(call)))).toEqual([]);
    expect(new Set(calls.map((call) => call.split("/").slice(0, 3).join("/")))).toEqual(
      new Set(["POST /auth/login", "GET /auth/admin", "DELETE /auth/admin", "PUT /auth/admin"]),
    );
    expect(problems).toEqual([]);
    await opened.context.close();
  });

  test("a user without the admin role is refused: the console shows no data and ends the session", async () => {
    const user = await newUser("console-plain");
    const { page, problems, context } = await suite.open("/admin");
    await signIn(page, user.email);
    await page.locator("#alert").getByText("This account is not an administrator.").waitFor();
    expect(await page.getByRole("navigation", { name: "Console" }).isVisible()).toBe(false);
    expect(await page.locator("#view-users").isVisible()).toBe(false);
    await page.goto(`${suite.base}/admin#/users`);
    await page.getByRole("heading", { name: "Sign in to the admin console" }).waitFor();
    expect((await suite.harness.callAs(user.token, "GET", "/auth/admin/users")).status).toBe(403);
    await expectAccessible(page);
    await saveAdminScreens(page, "10-not-admin");
    expect(problems).toEqual([]);
    await context.close();
  });

  test("the sign-in asks for the mailed code when the server wants a re-check; the token lives in memory only", async () => {
    const admin = await newAdmin("console-recheck");
    suite.harness.clock.advance((suite.harness.config.ACCESS_TOKEN_EXPIRE_MINUTES + 1) * 60_000);
    const { page, problems, context } = await suite.open("/admin");
    await signIn(page, admin.email);
    await page.getByLabel("Code from the email").waitFor();
    await saveAdminScreens(page, "11-sign-in-code");
    await page.getByLabel("Code from the email").fill(suite.harness.inbox.latestCode(admin.email));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    expect(await page.evaluate("document.cookie")).toBe("");
    expect(await page.evaluate("sessionStorage.length + localStorage.length")).toBe(0);
    // A reload forgets the token: back to the sign-in.
    await page.reload();
    await page.getByRole("heading", { name: "Sign in to the admin console" }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  test("an admin with an authenticator app gives its code after the password; losing the role signs the console out", async () => {
    const email = uniqueEmail("console-totp");
    const { secret } = await userWithTotp(suite.harness, email);
    const id = (
      await suite.harness.call("GET", `/auth/admin/users?q=${encodeURIComponent(email)}`, undefined, { authorization: basicAuth() })
    ).body.users[0].id;
    await suite.harness.call("PUT", `/auth/admin/users/${id}`, { role: "admin" }, { authorization: basicAuth() });
    const { page, problems, context } = await suite.open("/admin");
    await signIn(page, email);
    await page.getByLabel("Authenticator code").waitFor();
    await expectAccessible(page);
    await saveAdminScreens(page, "12-sign-in-authenticator");
    await page.getByLabel("Authenticator code").fill(totpAt(suite.harness, secret));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();

    // The role is taken back elsewhere: the console's next request is refused and it asks to sign in again.
    await suite.harness.call("PUT", `/auth/admin/users/${id}`, { role: "user" }, { authorization: basicAuth() });
    await page.getByRole("link", { name: "Health" }).click();
    await page.locator("#alert").getByText("This account is not an administrator.").waitFor();
    await page.getByRole("heading", { name: "Sign in to the admin console" }).waitFor();
    expect(await page.getByRole("navigation", { name: "Console" }).isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });

  test("an admin session older than ADMIN_SESSION_MINUTES sends the console back to the sign-in", async () => {
    const admin = await newAdmin("console-expiry");
    const { page, context } = await suite.open("/admin");
    await signIn(page, admin.email);
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    // The Users view's own requests must be answered before the clock moves, or they, not the click, meet the
    // expired session (and the sign-in screen takes the link away before it is clicked).
    await page.waitForLoadState("networkidle");
    suite.harness.clock.advance((suite.harness.config.ADMIN_SESSION_MINUTES + 1) * 60_000);
    await page.getByRole("link", { name: "Audit" }).click();
    await page.locator("#alert").getByText("The admin session has expired. Sign in again.").waitFor();
    await page.getByRole("heading", { name: "Sign in to the admin console" }).waitFor();
    // Signing in again opens a new session, which the admin API takes.
    await signIn(page, admin.email);
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    await context.close();
  });

  test("keyboard only: the filters, links and the confirmation dialog work without a mouse; Escape cancels", async () => {
    const admin = await newAdmin("console-keys");
    const target = await newUser("console-keys-target");
    const { page, context } = await suite.open("/admin");
    await page.getByLabel("Email address").focus();
    await page.keyboard.type(admin.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    await page.getByLabel("Email contains").focus();
    await page.keyboard.type(target.email);
    await page.keyboard.press("Enter");
    await onlyOneRow(page);
    await page.getByRole("link", { name: target.email }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: target.email }).waitFor();
    await page.getByRole("button", { name: "Disable" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    expect(await page.evaluate("document.activeElement.id")).toBe("confirm-cancel");
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    expect((await suite.harness.callAs(target.token, "GET", "/auth/me")).status).toBe(200);
    await context.close();
  });

  test("an admin with a passkey signs in with it alone: no password, no code", async () => {
    const admin = await newAdmin("console-passkey");
    // Passkeys need a host name (browsers refuse IP addresses): localhost, with Chromium's virtual authenticator.
    const origin = suite.base.replace("127.0.0.1", "localhost");
    const { page, context, problems } = await openPage(suite.browser, `${origin}/`);
    await addVirtualAuthenticator(context, page);
    await page.getByLabel("Email address").fill(admin.email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.locator("#account-status").filter({ hasText: "Passkey added" }).waitFor();

    await page.goto(`${origin}/admin`);
    await page.getByRole("heading", { name: "Sign in to the admin console" }).waitFor();
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
