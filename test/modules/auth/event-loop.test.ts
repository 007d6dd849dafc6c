import { afterAll, beforeAll, expect, test } from "bun:test";
import { uniqueEmail } from "../../support/env";
import { startHarness, type Harness } from "../../support/harness";

let h: Harness;
beforeAll(async () => {
  // A deliberately expensive hash, so that a blocking implementation could not hide.
  h = await startHarness({ env: { PASSWORD_MEMORY_KIB: "65536", PASSWORD_TIME_COST: "3" } });
});
afterAll(() => h.close());

test("password hashing runs off the event loop: /health answers while logins are hashing", async () => {
  const email = uniqueEmail();
  await h.createVerifiedUser(email);
  const order: string[] = [];
  const logins = Array.from({ length: 4 }, () =>
    h.call("POST", "/auth/login", { email, password: "wrong password" }).then(() => order.push("login")),
  );
  // Let the logins reach their hashing step before asking for /health.
  await Bun.sleep(50);
  const health = h.call("GET", "/health").then((r) => {
    order.push("health");
    return r.status;
  });
  expect(await health).toBe(200);
  await Promise.all(logins);
  expect(order[0]).toBe("health");
});
