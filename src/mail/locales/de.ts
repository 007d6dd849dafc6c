import type { MailStrings } from "./strings";

const ifNotYou =
  "Wenn nicht, setzen Sie Ihr Passwort jetzt über „Passwort vergessen?“ zurück und prüfen Sie die Sicherheit Ihres E-Mail-Kontos.";
const signedOut = "Alle anderen Sitzungen wurden abgemeldet.";
const wasYou = "Wenn Sie das waren (oder darum gebeten haben), müssen Sie nichts tun.";
const turnBackOn = "Wenn nicht, ändern Sie jetzt über „Passwort vergessen?“ Ihr Passwort und richten Sie die Authenticator-App wieder ein.";

export const de: MailStrings = {
  code: {
    subject: "{{ code }} ist Ihr Bestätigungscode",
    intro: "Ihr Bestätigungscode lautet:",
    expiry: "Er ist {{ minutes }} {% if minutes == 1 %}Minute{% else %}Minuten{% endif %} lang gültig und lässt sich nur einmal verwenden.",
    ignore: "Wenn Sie ihn nicht angefordert haben, können Sie diese E-Mail einfach ignorieren.",
    reasons: {
      code_register: "Geben Sie ihn ein, um Ihre E-Mail-Adresse zu bestätigen.",
      code_recheck: "Geben Sie ihn ein, um die Anmeldung abzuschließen.",
      code_reset: "Geben Sie ihn ein, um ein neues Passwort festzulegen.",
      code_signin: "Geben Sie ihn ein, um sich anzumelden. Falls Sie keine Anmeldung angefordert haben, ignorieren Sie diese E-Mail.",
      code_account_delete: "Geben Sie ihn ein, um die Löschung Ihres Kontos zu bestätigen.",
      code_email_change: "Geben Sie ihn ein, um diese Adresse als neue E-Mail-Adresse Ihres Kontos zu bestätigen.",
      code_email_change_proof: "Geben Sie ihn ein, um zu bestätigen, dass Sie die E-Mail-Adresse Ihres Kontos ändern möchten.",
    },
  },
  notices: {
    already_registered: {
      subject: "Sie haben bereits ein Konto",
      paragraphs: [
        "Jemand wollte mit dieser E-Mail-Adresse ein Konto anlegen – für diese Adresse gibt es aber schon eines.",
        "Wenn Sie das waren, melden Sie sich einfach an, oder nutzen Sie „Passwort vergessen?“, falls Sie Ihr Passwort nicht mehr wissen.",
        "Wenn nicht, können Sie diese E-Mail ignorieren: Es wurde nichts geändert.",
      ],
    },
    password_changed: {
      subject: "Ihr Passwort wurde geändert",
      paragraphs: [
        `Das Passwort Ihres Kontos wurde in einer angemeldeten Sitzung geändert. ${signedOut}`,
        "Wenn Sie das waren, müssen Sie nichts tun.",
        ifNotYou,
      ],
    },
    password_reset: {
      subject: "Ihr Passwort wurde geändert",
      paragraphs: [
        `Das Passwort Ihres Kontos wurde mit einem Code zurückgesetzt, der an diese Adresse geschickt wurde. ${signedOut}`,
        "Wenn Sie das waren, müssen Sie nichts tun.",
        ifNotYou,
      ],
    },
    mfa_enabled: {
      subject: "Die Anmeldung in zwei Schritten ist aktiviert",
      paragraphs: [
        "Für Ihr Konto wurde eine Authenticator-App als zweiter Schritt der Anmeldung eingerichtet.",
        wasYou,
        "Wenn nicht, hat sich möglicherweise jemand anderes bei Ihrem Konto angemeldet: Ändern Sie Ihr Passwort jetzt über „Passwort vergessen?“.",
      ],
    },
    mfa_disabled: {
      subject: "Die Anmeldung in zwei Schritten wurde ausgeschaltet",
      paragraphs: [
        "Die Authenticator-App wurde in einer angemeldeten Sitzung von Ihrem Konto entfernt: Die Anmeldung hat jetzt wieder nur einen Schritt.",
        wasYou,
        turnBackOn,
      ],
    },
    mfa_disabled_by_admin: {
      subject: "Die Anmeldung in zwei Schritten wurde ausgeschaltet",
      paragraphs: [
        "Ein Administrator hat die Authenticator-App von Ihrem Konto entfernt: Die Anmeldung hat jetzt wieder nur einen Schritt.",
        wasYou,
        turnBackOn,
      ],
    },
    passkey_added: {
      subject: "Ihrem Konto wurde ein Passkey hinzugefügt",
      paragraphs: [
        "Ihrem Konto wurde ein Passkey hinzugefügt. Mit ihm melden Sie sich ohne Passwort und ohne zweiten Schritt an.",
        "Wenn Sie das waren, müssen Sie nichts tun.",
        "Wenn nicht, entfernen Sie ihn in den Sicherheitseinstellungen Ihres Kontos und ändern Sie sofort Ihr Passwort über „Passwort vergessen?“.",
      ],
    },
    passkey_removed: {
      subject: "Ein Passkey wurde aus Ihrem Konto entfernt",
      paragraphs: [
        "Ein Passkey wurde aus Ihrem Konto entfernt. Mit ihm ist keine Anmeldung mehr möglich.",
        "Wenn Sie das waren, müssen Sie nichts tun.",
        "Wenn nicht, hat sich womöglich jemand anderes in Ihrem Konto angemeldet: Ändern Sie sofort Ihr Passwort über „Passwort vergessen?“.",
      ],
    },
    account_deletion_scheduled: {
      subject: "Ihr Konto wird am {{ delete_after | date: '%d.%m.%Y' }} gelöscht",
      paragraphs: [
        "Sie haben die Löschung Ihres Kontos beantragt. Am {{ delete_after | date: '%d.%m.%Y um %H:%M' }} Uhr (UTC) wird es endgültig gelöscht, mit allem, was wir über Sie gespeichert haben. Sie wurden überall abgemeldet.",
        "Sie haben es sich anders überlegt? Melden Sie sich bis dahin an und brechen Sie die Löschung ab – oder nutzen Sie dazu diesen Code: {{ cancel_token }}{% if undo_url != '' %} (oder öffnen Sie {{ undo_url }}){% endif %}",
        "Wenn Sie die Löschung nicht beantragt haben, melden Sie sich jetzt an, brechen Sie sie ab und ändern Sie Ihr Passwort.",
      ],
    },
    email_change_requested: {
      subject: "Die E-Mail-Adresse Ihres Kontos wird geändert",
      paragraphs: [
        "In Ihrem Konto wurde beantragt, die E-Mail-Adresse in {{ new_email }} zu ändern. Sobald der dorthin geschickte Code eingegeben ist, verwendet Ihr Konto diese Adresse, und alle anderen Sitzungen werden abgemeldet.",
        "Wenn Sie das waren, müssen Sie nichts tun.",
        "Wenn nicht, brechen Sie die Änderung bis zum {{ cancel_until | date: '%d.%m.%Y um %H:%M' }} Uhr (UTC) mit diesem Code ab – auch wenn sie schon erfolgt ist: {{ cancel_token }}{% if undo_url != '' %} (oder öffnen Sie {{ undo_url }}){% endif %}. Setzen Sie danach Ihr Passwort zurück.",
      ],
    },
  },
};
