import { afterAll, beforeAll, expect, test } from "bun:test";
import { startHarness, type Harness } from "./support/harness";
import { uniqueEmail } from "./support/env";

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.close(); });

test("smoke", async () => {
  const email = uniqueEmail();
  const r = await h.call("POST", "/auth/register", { email, password: "correct horse battery" });
  console.log(r.status, r.body, h.inbox.messages.at(-1)?.subject);
  const v = await h.call("POST", "/auth/verify-otp", { email, code: h.inbox.latestCode(email) });
  console.log(v.status, v.body);
  const me = await h.call("GET", "/auth/me", undefined, { authorization: `Bearer ${v.body.access_token}` });
  console.log(me.status, me.body);
  const l = await h.call("POST", "/auth/login", { email, password: "correct horse battery" });
  console.log(l.status, l.body);
  console.log((await h.call("POST", "/auth/login", { email: "x", password: "y" })).body);
  console.log((await h.call("POST", "/auth/login", "{bad")).body);
  console.log((await h.call("POST", "/auth/login", "hello", {"content-type": "text/plain"})).body);
  console.log((await h.call("GET", "/ready")).body);
  const docs = await h.call("GET", "/docs/json"); console.log(docs.status, JSON.stringify(docs.body).slice(0, 1500));
  console.log((await h.call("GET", "/docs")).status);
  console.log(h.logs.join("\n"));
  expect(r.status).toBe(201);
});
