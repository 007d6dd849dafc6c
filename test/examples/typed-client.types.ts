import { treaty } from "@elysiajs/eden";
import type { App } from "otp-auth/client";
import type { signUpAndFetchProfile } from "../../examples/typed-client";

// Type assertions, checked by tsc and never run (typed-client.test.ts also checks them from another project).
// Each `@ts-expect-error` line must be an error: were the client's types to decay to `any`, the directives
// would go unused, which tsc reports as errors.

type IsAny<T> = 0 extends 1 & T ? true : false;
type Profile = Awaited<ReturnType<typeof signUpAndFetchProfile>>;

export const profileIsTyped: IsAny<Profile> = false;
export const profileEmailIsAString: Profile["email"] extends string ? (string extends Profile["email"] ? true : false) : false = true;

export async function wrongCalls(api = treaty<App>("http://127.0.0.1:8000")) {
  // @ts-expect-error: a field the body does not have
  await api.auth.register.post({ email: "ann@example.com", password: "correct horse battery", is_admin: true });
  // @ts-expect-error: the password is missing
  await api.auth.register.post({ email: "ann@example.com" });
  // @ts-expect-error: a code is a string of digits, not a number
  await api.auth["verify-otp"].post({ email: "ann@example.com", code: 123456 });
  // @ts-expect-error: no such route
  await api.auth.signup.post({ email: "ann@example.com", password: "correct horse battery" });
  const me = await api.auth.me.get();
  // @ts-expect-error: the profile has no password
  return me.data?.password;
}
