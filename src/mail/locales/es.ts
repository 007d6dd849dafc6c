import type { MailStrings } from "./strings";

const ifNotYou =
  "Si no has sido tú, restablece ahora tu contraseña con «¿Has olvidado tu contraseña?» y revisa la seguridad de tu cuenta de correo.";
const signedOut = "Se han cerrado todas las demás sesiones.";
const wasYou = "Si has sido tú (o lo has pedido), no tienes que hacer nada.";
const turnBackOn = "Si no, cambia ahora tu contraseña con «¿Has olvidado tu contraseña?» y vuelve a activar la app de autenticación.";

export const es: MailStrings = {
  code: {
    subject: "{{ code }} es tu código de verificación",
    intro: "Tu código de verificación es:",
    expiry: "Caduca en {{ minutes }} {% if minutes == 1 %}minuto{% else %}minutos{% endif %} y solo se puede usar una vez.",
    ignore: "Si no lo has pedido, puedes ignorar este correo.",
    reasons: {
      code_register: "Introdúcelo para confirmar tu dirección de correo.",
      code_recheck: "Introdúcelo para terminar de iniciar sesión.",
      code_reset: "Introdúcelo para elegir una contraseña nueva.",
      code_signin: "Introdúcelo para iniciar sesión. Si no has pedido iniciar sesión, ignora este correo.",
      code_account_delete: "Introdúcelo para confirmar que quieres eliminar tu cuenta.",
      code_email_change: "Introdúcelo para confirmar esta dirección como el nuevo correo de tu cuenta.",
      code_email_change_proof: "Introdúcelo para confirmar que quieres cambiar el correo de tu cuenta.",
    },
  },
  notices: {
    already_registered: {
      subject: "Ya tienes una cuenta",
      paragraphs: [
        "Alguien ha intentado crear una cuenta con esta dirección de correo, que ya tiene una.",
        "Si has sido tú, inicia sesión, o usa «¿Has olvidado tu contraseña?» si ya no la recuerdas.",
        "Si no has sido tú, puedes ignorar este correo: no se ha cambiado nada.",
      ],
    },
    password_changed: {
      subject: "Tu contraseña ha cambiado",
      paragraphs: [
        `La contraseña de tu cuenta se ha cambiado desde una sesión iniciada. ${signedOut}`,
        "Si has sido tú, no tienes que hacer nada.",
        ifNotYou,
      ],
    },
    password_reset: {
      subject: "Tu contraseña ha cambiado",
      paragraphs: [
        `La contraseña de tu cuenta se ha restablecido con un código enviado a esta dirección. ${signedOut}`,
        "Si has sido tú, no tienes que hacer nada.",
        ifNotYou,
      ],
    },
    mfa_enabled: {
      subject: "El inicio de sesión en dos pasos está activado",
      paragraphs: [
        "Se ha configurado una app de autenticación como segundo paso para iniciar sesión en tu cuenta.",
        wasYou,
        "Si no, puede que otra persona haya iniciado sesión en tu cuenta: cambia ahora tu contraseña con «¿Has olvidado tu contraseña?».",
      ],
    },
    mfa_disabled: {
      subject: "El inicio de sesión en dos pasos se ha desactivado",
      paragraphs: [
        "Se ha quitado la app de autenticación de tu cuenta desde una sesión iniciada: para iniciar sesión vuelve a bastar un solo paso.",
        wasYou,
        turnBackOn,
      ],
    },
    mfa_disabled_by_admin: {
      subject: "El inicio de sesión en dos pasos se ha desactivado",
      paragraphs: [
        "Un administrador ha quitado la app de autenticación de tu cuenta: para iniciar sesión vuelve a bastar un solo paso.",
        wasYou,
        turnBackOn,
      ],
    },
    passkey_added: {
      subject: "Se ha añadido una llave de acceso a tu cuenta",
      paragraphs: [
        "Se ha añadido una llave de acceso (passkey) a tu cuenta. Con ella inicias sesión sin contraseña y sin segundo paso.",
        "Si fuiste tú, no tienes que hacer nada.",
        "Si no, elimínala en la pantalla de seguridad de tu cuenta y cambia tu contraseña ahora con «¿Olvidaste tu contraseña?».",
      ],
    },
    passkey_removed: {
      subject: "Se ha eliminado una llave de acceso de tu cuenta",
      paragraphs: [
        "Se ha eliminado una llave de acceso (passkey) de tu cuenta. Ya no sirve para iniciar sesión.",
        "Si fuiste tú, no tienes que hacer nada.",
        "Si no, puede que otra persona haya entrado en tu cuenta: cambia tu contraseña ahora con «¿Olvidaste tu contraseña?».",
      ],
    },
    account_deletion_scheduled: {
      subject: "Tu cuenta se eliminará el {{ delete_after | date: '%d/%m/%Y' }}",
      paragraphs: [
        "Has pedido que se elimine tu cuenta. Se eliminará definitivamente el {{ delete_after | date: '%d/%m/%Y a las %H:%M' }} (UTC), junto con todo lo que guardamos sobre ti, y se han cerrado todas tus sesiones.",
        "¿Has cambiado de idea? Inicia sesión antes de esa fecha y cancela la eliminación, o cancélala con este código: {{ cancel_token }}{% if undo_url != '' %} (o abre {{ undo_url }}){% endif %}",
        "Si no lo has pedido tú, inicia sesión ahora, cancela la eliminación y cambia tu contraseña.",
      ],
    },
    email_change_requested: {
      subject: "Se va a cambiar el correo de tu cuenta",
      paragraphs: [
        "Desde una sesión iniciada en tu cuenta se ha pedido cambiar su correo a {{ new_email }}. En cuanto se introduzca el código enviado a esa dirección, tu cuenta la usará y se cerrarán todas las demás sesiones.",
        "Si has sido tú, no tienes que hacer nada.",
        "Si no, cancela el cambio con este código antes del {{ cancel_until | date: '%d/%m/%Y a las %H:%M' }} (UTC), aunque ya se haya hecho: {{ cancel_token }}{% if undo_url != '' %} (o abre {{ undo_url }}){% endif %}. Después, restablece tu contraseña.",
      ],
    },
  },
};
