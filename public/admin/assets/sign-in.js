// Sign-in through the service's own routes: the password, then the mailed code when the server asks for a
// re-check (otp_required), then the authenticator code when a second factor is on (mfa_required); or a passkey
// alone (it stands for both steps).
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

  /** The page's own copy of @simplewebauthn/browser (served at /assets/webauthn.js), loaded when first used. */
  async function passkey() {
    await import("/assets/webauthn.js");
    const optionsJSON = await api.post("/auth/passkeys/sign-in/options");
    try {
      return api.post("/auth/passkeys/sign-in", { response: await globalThis.SimpleWebAuthnBrowser.startAuthentication({ optionsJSON }) });
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError(0, "The passkey request was cancelled or timed out.", "passkey_cancelled");
    }
  }

  async function attempt(button, run) {
    showError("");
    button.disabled = true;
    try {
      const tokens = await run();
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
  }

  $("sign-in-form").addEventListener("submit", (event) => {
    event.preventDefault();
    return attempt($("sign-in-submit"), submit);
  });
  $("passkey-sign-in").hidden = typeof window.PublicKeyCredential !== "function";
  $("passkey-sign-in").addEventListener("click", () => attempt($("passkey-sign-in"), passkey));

  return { reset: () => show("password") };
}
