// The account's life: change the email address, download what is held, delete the account (and keep it after all).
import { locale, t, words } from "./i18n.js";
import { $, clearPasswords, isBusy, on, say, showError, showView, whileBusy } from "./views.js";

const day = (iso) => new Date(iso).toLocaleDateString(locale(), { dateStyle: "long" });

/**
 * `lost(error)` handles a session that could not be renewed; `back(message)` returns to the account;
 * `signOut(message)` forgets the session (a deletion ends every session).
 */
export function createLifecycle({ session, lost, back, signOut, toSignIn, api }) {
  /** A form's proof of the owner: the password, or (for an account without one) a code mailed for this step. */
  function proofSwitch(form, switchId, codePath, statusId) {
    let useCode = false;
    const show = (code) => {
      useCode = code;
      $(form).querySelector(".proof-password").hidden = code;
      $(form).querySelector(".proof-code").hidden = !code;
      $(switchId).hidden = code;
    };
    on(switchId, "click", () => whileBusy($(switchId), t("Sending…"), async () => {
      try {
        say(statusId, (await session.call("POST", codePath)).message);
        show(true);
        $(form).querySelector(".proof-code input").focus();
      } catch (error) {
        if (!lost(error)) say(statusId, error.detail);
      }
    }));
    return {
      reset: () => show(false),
      /** `{password}` or `{code}`, or null (with the field to fix) when it is empty. */
      value() {
        const input = $(form).querySelector(useCode ? ".proof-code input" : ".proof-password input");
        const value = input.value.trim();
        if (!value) return [null, input.id];
        return [useCode ? { code: value } : { password: input.value }, input.id];
      },
    };
  }

  const emailProof = proofSwitch("email-form", "email-proof-switch", "/auth/email/change/code", "email-proof-status");
  const deleteProof = proofSwitch("delete-form", "delete-proof-switch", "/auth/account/delete/code", "delete-status");

  function openEmail() {
    for (const id of ["new-email", "email-proof-code", "email-code"]) $(id).value = "";
    clearPasswords($("email-form"));
    emailProof.reset();
    say("email-proof-status");
    $("email-form").hidden = false;
    $("email-confirm-form").hidden = true;
    showError("email-error", "", null, false);
    showView("view-email", { focus: false });
    $("new-email").focus();
  }

  async function requestChange(event) {
    event.preventDefault();
    const button = $("email-submit");
    const newEmail = $("new-email").value.trim();
    if (isBusy(button)) return;
    if (!newEmail || !$("new-email").checkValidity()) return showError("email-error", t("Enter a valid email address, like name@example.com."), "new-email");
    const [proof, field] = emailProof.value();
    if (!proof) return showError("email-error", t("Enter your password, or a code from your email."), field);
    await whileBusy(button, t("Sending…"), async () => {
      try {
        const { message } = await session.call("POST", "/auth/email/change", { new_email: newEmail, ...proof, locale: locale() });
        $("email-form").hidden = true;
        $("email-confirm-form").hidden = false;
        say("email-status", message);
        $("email-code").focus();
      } catch (error) {
        if (!lost(error)) showError("email-error", error.detail, error.status === 422 ? "new-email" : field);
      }
    });
  }

  async function confirmChange(event) {
    event.preventDefault();
    const button = $("email-confirm");
    const code = $("email-code").value.trim();
    if (isBusy(button)) return;
    if (!code) return showError("email-confirm-error", t("Enter the code from the mail to your new address."), "email-code");
    await whileBusy(button, t("Verifying…"), async () => {
      try {
        const { message } = await session.call("POST", "/auth/email/change/confirm", { code });
        await back(message);
      } catch (error) {
        if (!lost(error)) showError("email-confirm-error", error.detail, "email-code");
      }
    });
  }

  function openDelete() {
    $("delete-proof-code").value = "";
    clearPasswords($("delete-form"));
    deleteProof.reset();
    say("delete-status");
    showError("delete-error", "", null, false);
    showView("view-delete", { focus: false });
    $("delete-password").focus();
  }

  async function requestDeletion(event) {
    event.preventDefault();
    const button = $("delete-submit");
    if (isBusy(button)) return;
    const [proof, field] = deleteProof.value();
    if (!proof) return showError("delete-error", t("Enter your password, or a code from your email."), field);
    if (!confirm(t("Delete your account? Every session ends now, and the account is deleted after the grace period."))) return;
    await whileBusy(button, t("Deleting…"), async () => {
      try {
        const { delete_after } = await session.call("POST", "/auth/account/delete", proof);
        signOut(t("Your account will be deleted on {date}. Sign in before then to keep it.", { date: day(delete_after) }));
      } catch (error) {
        if (!lost(error)) showError("delete-error", error.detail, field);
      }
    });
  }

  /** On the account screen: a pending deletion, with the way to keep the account. */
  async function showPendingDeletion() {
    const { delete_after } = await session.call("GET", "/auth/account/deletion").catch(() => ({ delete_after: null }));
    $("deletion-pending").hidden = !delete_after;
    if (delete_after) $("deletion-pending-text").textContent = t("Your account will be deleted on {date}.", { date: day(delete_after) });
  }

  async function keepAccount() {
    await whileBusy($("keep-account"), t("Keeping…"), async () => {
      try {
        const { message } = await session.call("DELETE", "/auth/account/deletion");
        $("deletion-pending").hidden = true;
        say("account-status", message);
      } catch (error) {
        if (!lost(error)) say("account-status", error.detail);
      }
    });
  }

  /** Saves everything the service holds about the person as a JSON file. */
  async function download() {
    await whileBusy($("export"), t("Preparing…"), async () => {
      try {
        const data = await session.call("GET", "/auth/account/export");
        const link = document.createElement("a");
        link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
        link.download = `otp-auth-export-${new Date().toISOString().slice(0, 10)}.json`;
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
        say("account-status", t(words("Your data was downloaded.")));
      } catch (error) {
        if (!lost(error)) say("account-status", error.detail);
      }
    });
  }

  const UNDO = { deletion: "/auth/account/delete/cancel", email: "/auth/email/change/cancel" };

  /** The undo form, filled from a notice's link (`#undo-deletion=<code>`, `#undo-email=<code>`) when it brings one. */
  function openUndo(kind = "deletion", code = "") {
    document.querySelector(`[name=undo-kind][value=${kind}]`).checked = true;
    $("undo-code").value = code;
    showError("undo-error", "", null, false);
    showView("view-undo", { focus: false });
    (code ? $("undo-submit") : $("undo-code")).focus();
  }

  async function undo(event) {
    event.preventDefault();
    const button = $("undo-submit");
    const token = $("undo-code").value.trim();
    if (isBusy(button)) return;
    if (token.length < 16) return showError("undo-error", t("Enter the code from the email."), "undo-code");
    const kind = document.querySelector("[name=undo-kind]:checked").value;
    await whileBusy(button, t("Undoing…"), async () => {
      try {
        toSignIn((await api.post(UNDO[kind], { token })).message);
      } catch (error) {
        showError("undo-error", error.detail, "undo-code");
      }
    });
  }

  /** A notice's link lands here with its code in the fragment, which is taken out of the address at once. */
  function takeUndoLink() {
    const match = /^#undo-(deletion|email)=([A-Za-z0-9_-]{16,128})$/.exec(location.hash);
    if (!match) return false;
    history.replaceState(null, "", location.pathname + location.search);
    openUndo(match[1], match[2]);
    return true;
  }

  // A link opened in a tab that shows the page already changes only the fragment.
  addEventListener("hashchange", takeUndoLink);
  on("undo-option", "click", () => openUndo());
  on("undo-form", "submit", undo);
  on("undo-back", "click", () => toSignIn(""));
  on("email-change", "click", openEmail);
  on("email-form", "submit", requestChange);
  on("email-confirm-form", "submit", confirmChange);
  on("email-back", "click", () => back());
  on("delete", "click", openDelete);
  on("delete-form", "submit", requestDeletion);
  on("delete-back", "click", () => back());
  on("keep-account", "click", keepAccount);
  on("export", "click", download);
  return { showPendingDeletion, takeUndoLink };
}
