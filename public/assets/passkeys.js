// Passkeys through @simplewebauthn/browser (assets/webauthn.js, loaded when first needed).
import { t, words } from "./i18n.js";

/** True where the browser can create and use passkeys at all. */
export const supportsPasskeys = () => typeof window.PublicKeyCredential === "function";

/** True where this device itself can hold one (fingerprint, face, screen lock): when offering to add one is worth it. */
export async function deviceHoldsPasskeys() {
  if (!supportsPasskeys()) return false;
  return PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable().catch(() => false);
}

async function browserPart() {
  await import("./webauthn.js"); // a UMD bundle: it sets globalThis.SimpleWebAuthnBrowser
  return globalThis.SimpleWebAuthnBrowser;
}

/** The browser said no (cancelled, timed out, or no passkey here): a message for the person, not an error page. */
const CANCELLED = words("The passkey request was cancelled or timed out.");

async function ceremony(run) {
  try {
    return await run();
  } catch (error) {
    if (error?.name === "NotAllowedError" || error?.name === "AbortError") throw Object.assign(new Error(CANCELLED), { detail: t(CANCELLED), cancelled: true });
    if (error?.name === "InvalidStateError") throw Object.assign(new Error(error.message), { detail: t("This passkey is already registered on your account.") });
    throw error.detail ? error : Object.assign(error, { detail: error.message });
  }
}

/** A whole sign-in: the answer is the token body, like a password sign-in's. */
export async function signInWithPasskey(api) {
  const { startAuthentication } = await browserPart();
  const optionsJSON = await api.post("/auth/passkeys/sign-in/options");
  const response = await ceremony(() => startAuthentication({ optionsJSON }));
  return api.post("/auth/passkeys/sign-in", { response });
}

/** Adds a passkey to the signed-in account; answers the new passkey. */
export async function addPasskey(session) {
  const { startRegistration } = await browserPart();
  const optionsJSON = await session.call("POST", "/auth/passkeys/register/options");
  const response = await ceremony(() => startRegistration({ optionsJSON }));
  return session.call("POST", "/auth/passkeys/register", { response });
}
