/**
 * Every mail the service sends, with the placeholders its templates may use. `required` ones must appear in an
 * operator's override (a code mail without its code is useless); any other name is refused at start-up.
 */
const CODE = { variables: ["code", "minutes"], required: ["code"] } as const;
const NOTICE = { variables: [], required: [] } as const;

export const MAIL_TEMPLATES = {
  code_register: CODE,
  code_recheck: CODE,
  code_reset: CODE,
  code_signin: CODE,
  code_account_delete: CODE,
  code_email_change: CODE,
  code_email_change_proof: CODE,
  already_registered: NOTICE,
  password_changed: NOTICE,
  password_reset: NOTICE,
  mfa_enabled: NOTICE,
  mfa_disabled: NOTICE,
  mfa_disabled_by_admin: NOTICE,
  passkey_added: NOTICE,
  passkey_removed: NOTICE,
  // The notice of a scheduled deletion: its cancel token is the way back, so it must be shown.
  account_deletion_scheduled: { variables: ["delete_after", "days", "cancel_token", "undo_url"], required: ["cancel_token"] },
  // To the old address: the change can be undone from there, with the cancel token, until cancel_until.
  email_change_requested: { variables: ["new_email", "cancel_until", "cancel_token", "undo_url"], required: ["cancel_token"] },
} as const satisfies Record<string, { variables: readonly string[]; required: readonly string[] }>;

export type MailTemplateName = keyof typeof MAIL_TEMPLATES;
export const MAIL_TEMPLATE_NAMES = Object.keys(MAIL_TEMPLATES) as MailTemplateName[];
export const isMailTemplateName = (name: string): name is MailTemplateName => Object.hasOwn(MAIL_TEMPLATES, name);

/** The three parts of a mail; an override file replaces one part of one template in one language. */
export const MAIL_PARTS = ["subject", "text", "html"] as const;
export type MailPart = (typeof MAIL_PARTS)[number];

export type MailValues = Record<string, string | number>;

/** Values for previews and for the start-up trial render of overrides. */
export const SAMPLE_VALUES: Record<string, string | number> = {
  code: "123456",
  minutes: 2,
  delete_after: "2026-12-14T09:30:00.000Z",
  days: 7,
  cancel_token: "Xq3v9Lr2mT8kW4pZ6nB1cD5fG7hJ0sYa",
  new_email: "ann.new@example.com",
  cancel_until: "2026-12-10T09:30:00.000Z",
  undo_url: "https://auth.example.com/#undo-deletion=Xq3v9Lr2mT8kW4pZ6nB1cD5fG7hJ0sYa",
};

export const sampleValuesOf = (name: MailTemplateName): MailValues =>
  Object.fromEntries(MAIL_TEMPLATES[name].variables.map((variable) => [variable, SAMPLE_VALUES[variable]!]));
