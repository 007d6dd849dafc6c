/** The code mails' purposes and the notices, by template name (see ../template-specs.ts). */
export type CodeTemplate =
  | "code_register"
  | "code_recheck"
  | "code_reset"
  | "code_signin"
  | "code_account_delete"
  | "code_email_change"
  | "code_email_change_proof";
export type NoticeTemplate =
  | "already_registered"
  | "password_changed"
  | "password_reset"
  | "mfa_enabled"
  | "mfa_disabled"
  | "mfa_disabled_by_admin"
  | "passkey_added"
  | "passkey_removed"
  | "account_deletion_scheduled"
  | "email_change_requested";

/**
 * One language's words for every mail: plain text, except the Liquid placeholders and tags (`expiry` says
 * `{{ minutes }}` with the right plural; the deletion notice formats `{{ delete_after }}` with `date`). The subject, text and HTML of each template are built from these (see builtin.ts).
 */
export interface MailStrings {
  code: {
    subject: string;
    intro: string;
    expiry: string;
    ignore: string;
    reasons: Record<CodeTemplate, string>;
  };
  notices: Record<NoticeTemplate, { subject: string; paragraphs: string[] }>;
}
