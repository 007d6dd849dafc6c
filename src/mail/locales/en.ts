import type { MailStrings } from "./strings";

const ifNotYou = 'If it was not you, reset your password now with "Forgot password?" and check your email account\'s security.';
const signedOut = "Every other session has been signed out.";
const oneStep = "If this was you (or you asked for it), there is nothing to do.";

export const en: MailStrings = {
  code: {
    subject: "{{ code }} is your verification code",
    intro: "Your verification code is:",
    expiry: "It expires in {{ minutes }} {% if minutes == 1 %}minute{% else %}minutes{% endif %} and can be used once.",
    ignore: "If you did not ask for it, you can ignore this email.",
    reasons: {
      code_register: "Enter it to confirm your email address.",
      code_recheck: "Enter it to finish signing in.",
      code_reset: "Enter it to choose a new password.",
      code_signin: "Enter it to sign in. If you did not ask to sign in, ignore this mail.",
      code_account_delete: "Enter it to confirm that your account should be deleted.",
      code_email_change: "Enter it to confirm this address as your account's new email address.",
      code_email_change_proof: "Enter it to confirm that you want to change your account's email address.",
    },
  },
  notices: {
    already_registered: {
      subject: "You already have an account",
      paragraphs: [
        "Someone tried to create an account with this email address, which already has one.",
        'If it was you, sign in instead, or use "Forgot password?" if you no longer know your password.',
        "If it was not you, you can ignore this email: nothing was changed.",
      ],
    },
    password_changed: {
      subject: "Your password was changed",
      paragraphs: [
        `The password of your account was changed while signed in. ${signedOut}`,
        "If this was you, there is nothing to do.",
        ifNotYou,
      ],
    },
    password_reset: {
      subject: "Your password was changed",
      paragraphs: [
        `The password of your account was reset with a code sent to this address. ${signedOut}`,
        "If this was you, there is nothing to do.",
        ifNotYou,
      ],
    },
    mfa_enabled: {
      subject: "Two-step sign-in is on",
      paragraphs: [
        "An authenticator app was set up as the second step of signing in to your account.",
        oneStep,
        'If it was not, someone else may have signed in to your account: change your password now with "Forgot password?".',
      ],
    },
    mfa_disabled: {
      subject: "Two-step sign-in was turned off",
      paragraphs: [
        "The authenticator app was removed from your account while signed in: signing in needs one step again.",
        oneStep,
        'If it was not, change your password now with "Forgot password?" and turn the authenticator app back on.',
      ],
    },
    mfa_disabled_by_admin: {
      subject: "Two-step sign-in was turned off",
      paragraphs: [
        "An administrator removed the authenticator app from your account: signing in needs one step again.",
        oneStep,
        'If it was not, change your password now with "Forgot password?" and turn the authenticator app back on.',
      ],
    },
    passkey_added: {
      subject: "A passkey was added to your account",
      paragraphs: [
        "A passkey was added to your account. It signs you in on its own, without your password or a second step.",
        "If this was you, there is nothing to do.",
        'If it was not, remove it on your account\'s security screen and change your password now with "Forgot password?".',
      ],
    },
    passkey_removed: {
      subject: "A passkey was removed from your account",
      paragraphs: [
        "A passkey was removed from your account. It no longer signs you in.",
        "If this was you, there is nothing to do.",
        'If it was not, someone else may have signed in to your account: change your password now with "Forgot password?".',
      ],
    },
    account_deletion_scheduled: {
      subject: "Your account will be deleted on {{ delete_after | date: '%B %-d, %Y' }}",
      paragraphs: [
        "You asked for your account to be deleted. It will be deleted for good on {{ delete_after | date: '%B %-d, %Y at %H:%M' }} (UTC), with everything stored about you, and you have been signed out everywhere.",
        "Changed your mind? Sign in before then and cancel the deletion, or cancel it with this code: {{ cancel_token }}{% if undo_url != '' %} (or open {{ undo_url }}){% endif %}",
        "If you did not ask for this, sign in now, cancel the deletion and change your password.",
      ],
    },
    email_change_requested: {
      subject: "Your account's email address is being changed",
      paragraphs: [
        "Someone signed in to your account asked to change its email address to {{ new_email }}. Once a code sent there is entered, your account will use that address and every other session will be signed out.",
        "If this was you, there is nothing to do.",
        "If it was not, cancel the change with this code before {{ cancel_until | date: '%B %-d, %Y at %H:%M' }} (UTC), even after it happened: {{ cancel_token }}{% if undo_url != '' %} (or open {{ undo_url }}){% endif %}. Then reset your password.",
      ],
    },
  },
};
