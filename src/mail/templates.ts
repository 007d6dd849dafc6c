import type { CodeTemplate } from "./locales/strings";
import type { MailMessage } from "./renderer";

export type { MailContent, MailMessage } from "./renderer";

/** A code mail: the code first in the subject and prominent in both parts, with its lifetime. */
export function verificationCodeMail(template: CodeTemplate, code: string, ttlSeconds: number): MailMessage {
  return { template, values: { code, minutes: Math.max(1, Math.round(ttlSeconds / 60)) } };
}

/** Tells the owner that their password changed, so a change they did not make does not go unnoticed. */
export const passwordChangedMail = (how: "reset" | "change"): MailMessage => ({
  template: how === "reset" ? "password_reset" : "password_changed",
  values: {},
});

/** Sent instead of a code when someone registers an address that already has a verified account. */
export const alreadyRegisteredMail = (): MailMessage => ({ template: "already_registered", values: {} });

/** Tells the owner their second factor changed, so a change they did not make does not go unnoticed. */
export const secondFactorMail = (change: "enabled" | "disabled" | "disabled_by_admin"): MailMessage => ({
  template: `mfa_${change}`,
  values: {},
});

/** Tells the owner a passkey was added or removed: a passkey signs in on its own, so neither may go unnoticed. */
export const passkeyMail = (change: "added" | "removed"): MailMessage => ({ template: `passkey_${change}`, values: {} });

/**
 * The web page's link that undoes a change with its token (in the fragment, which no server sees); "" without
 * PUBLIC_URL, when the page's address is unknown and the mail gives the code alone.
 */
export const undoUrl = (publicUrl: string | undefined, kind: "deletion" | "email", cancelToken: string) =>
  publicUrl ? `${publicUrl.replace(/\/+$/, "")}/#undo-${kind}=${cancelToken}` : "";

/** The notice of a scheduled deletion of one's own account, with the single-use token that cancels it. */
export const deletionScheduledMail = (deleteAfter: Date, days: number, cancelToken: string, publicUrl?: string): MailMessage => ({
  template: "account_deletion_scheduled",
  values: {
    delete_after: deleteAfter.toISOString(),
    days,
    cancel_token: cancelToken,
    undo_url: undoUrl(publicUrl, "deletion", cancelToken),
  },
});

/** To the old address when a change of email is asked for: what it changes to, and how to undo it. */
export const emailChangeRequestedMail = (newEmail: string, cancelUntil: Date, cancelToken: string, publicUrl?: string): MailMessage => ({
  template: "email_change_requested",
  values: {
    new_email: newEmail,
    cancel_until: cancelUntil.toISOString(),
    cancel_token: cancelToken,
    undo_url: undoUrl(publicUrl, "email", cancelToken),
  },
});
