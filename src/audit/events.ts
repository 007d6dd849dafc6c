/** Every event the audit log records. */
export const AUDIT_EVENTS = [
  "register",
  "code_sent",
  "verify_otp",
  "login",
  "recheck_required",
  "refresh_token_reused",
  "session_revoked",
  "password_reset_requested",
  "password_reset",
  "password_change",
  "oauth_sign_in",
  "code_sign_in_requested",
  "code_sign_in",
  "admin_auth",
  "admin_user_create",
  "admin_user_update",
  "admin_user_delete",
  "mfa_enroll",
  "mfa_enable",
  "mfa_disable",
  "mfa_required",
  "mfa_verify",
  "admin_mfa_disable",
] as const;

export type AuditEventName = (typeof AUDIT_EVENTS)[number];
