import type { ErrorCatalogue } from ".";

/** Deleting one's own account and changing its email address, and cancelling either. */
export const LIFECYCLE_ERRORS = {
  proofRequired: {
    status: 400,
    code: "reauthentication_required",
    detail: "Confirm with your password, or with a code mailed to you for this step.",
  },
  invalidCancelToken: {
    status: 400,
    code: "invalid_cancel_token",
    detail: "This cancellation code is not valid: it was already used, or what it cancels is over.",
  },
  notScheduled: { status: 409, code: "deletion_not_scheduled", detail: "No deletion of this account is pending." },
  emailUnchanged: { status: 400, code: "email_unchanged", detail: "The new email address is the one the account has." },
} as const satisfies ErrorCatalogue;
