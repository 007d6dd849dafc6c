export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The verification mail: the code first in the subject and prominent in both parts, with its lifetime. */
export function verificationCodeMail(code: string, ttlSeconds: number, reason: string): MailContent {
  const minutes = Math.max(1, Math.round(ttlSeconds / 60));
  const lifetime = `${minutes} minute${minutes === 1 ? "" : "s"}`;
  return {
    subject: `${code} is your verification code`,
    text: [
      `Your verification code is: ${code}`,
      "",
      `${reason} It expires in ${lifetime} and can be used once.`,
      "If you did not ask for it, you can ignore this email.",
    ].join("\n"),
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1a1a1a">
<p>Your verification code is:</p>
<p style="font-size:32px;font-weight:700;letter-spacing:6px;font-family:monospace">${escapeHtml(code)}</p>
<p>${escapeHtml(reason)} It expires in ${lifetime} and can be used once.</p>
<p style="color:#555">If you did not ask for it, you can ignore this email.</p>
</body></html>`,
  };
}

/** A mail of plain paragraphs, in both parts. */
function noticeMail(subject: string, paragraphs: string[]): MailContent {
  return {
    subject,
    text: paragraphs.join("\n\n"),
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1a1a1a">
${paragraphs.map((line) => `<p>${escapeHtml(line)}</p>`).join("\n")}
</body></html>`,
  };
}

/** Tells the owner that their password changed, so a change they did not make does not go unnoticed. */
export function passwordChangedMail(how: "reset" | "change"): MailContent {
  const what = how === "reset" ? "was reset with a code sent to this address" : "was changed while signed in";
  return noticeMail("Your password was changed", [
    `The password of your account ${what}. Every other session has been signed out.`,
    "If this was you, there is nothing to do.",
    'If it was not you, reset your password now with "Forgot password?" and check your email account\'s security.',
  ]);
}

/** Sent instead of a code when someone registers an address that already has a verified account. */
export function alreadyRegisteredMail(): MailContent {
  return noticeMail("You already have an account", [
    "Someone tried to create an account with this email address, which already has one.",
    'If it was you, sign in instead, or use "Forgot password?" if you no longer know your password.',
    "If it was not you, you can ignore this email: nothing was changed.",
  ]);
}

/** Tells the owner their second factor changed, so a change they did not make does not go unnoticed. */
export function secondFactorMail(change: "enabled" | "disabled" | "disabled_by_admin"): MailContent {
  const what = {
    enabled: "An authenticator app was set up as the second step of signing in to your account.",
    disabled: "The authenticator app was removed from your account while signed in: signing in needs one step again.",
    disabled_by_admin: "An administrator removed the authenticator app from your account: signing in needs one step again.",
  }[change];
  return noticeMail(change === "enabled" ? "Two-step sign-in is on" : "Two-step sign-in was turned off", [
    what,
    "If this was you (or you asked for it), there is nothing to do.",
    'If it was not, change your password now with "Forgot password?" and turn the authenticator app back on.',
  ]);
}
