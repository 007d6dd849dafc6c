// Sign-in through the service's own routes: the password, then the mailed code when the server asks for a
// re-check (otp_required), then the authenticator code when a second factor is on (mfa_required).
import { ApiError, api, setToken } from "./admin-api.js";
import { $ } from "./dom.js";

const STEPS = {
  password: { lead: "Use the email and password of an account with the admin role.", button: "Sign in" },
  otp: { lead: "We mailed you a code to confirm it's you. Enter it below.", label: "Code from the email", button: "Verify" },
  mfa: { lead: "Enter the code from your authenticator app, or a recovery code.", label: "Authenticator code", button: "Verify" },
};

/** Wires the sign-in form; `signedIn` runs once the tokens are in hand. */
export function setUpSignIn({ signedIn, showError }) {
  let step = "password";
  let stepToken = null;

  function show(next) {
    step = next;
    $("field-email").hidden = next !== "password";
    $("field-password").hidden = next !== "password";
    $("field-code").hidden = next === "password";
    $("sign-in-lead").textContent = STEPS[next].lead;
    $("sign-in-submit").textContent = STEPS[next].button;
    if (next !== "password") {
      $("code-label").textContent = STEPS[next].label;
      $("code").value = "";
      $("code").focus();
    }
  }

  async function submit() {
    const email = $("email").value.trim();
    if (step === "password") return api.post("/auth/login", { email, password: $("password").value });
    if (step === "otp") return api.post("/auth/verify-otp", { email, code: $("code").value.trim(), otp_token: stepToken });
    return api.post("/auth/mfa/verify", { mfa_token: stepToken, code: $("code").value.trim() });
  }

  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("");
    const button = $("sign-in-submit");
    button.disabled = true;
    try {
      const tokens = await submit();
      $("password").value = "";
      setToken(tokens.access_token);
      show("password");
      await signedIn(tokens);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === "otp_required" || error.code === "email_not_verified") {
        stepToken = error.otpToken ?? null;
        show("otp");
      } else if (error.code === "mfa_required") {
        stepToken = error.mfaToken ?? null;
        show("mfa");
      }
      showError(error.code === "otp_required" || error.code === "mfa_required" ? "" : error.detail);
    } finally {
      button.disabled = false;
    }
  });

  return { reset: () => show("password") };
}
