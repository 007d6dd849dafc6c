import type { MailStrings } from "./strings";

const ifNotYou =
  "Sinon, réinitialisez dès maintenant votre mot de passe avec « Mot de passe oublié ? » et vérifiez la sécurité de votre messagerie.";
const signedOut = "Toutes les autres sessions ont été déconnectées.";
const wasYou = "Si c’était vous (ou si vous l’avez demandé), vous n’avez rien à faire.";
const turnBackOn =
  "Sinon, changez dès maintenant votre mot de passe avec « Mot de passe oublié ? » et réactivez l’application d’authentification.";

export const fr: MailStrings = {
  code: {
    subject: "{{ code }} est votre code de vérification",
    intro: "Votre code de vérification :",
    expiry: "Il expire dans {{ minutes }} {% if minutes == 1 %}minute{% else %}minutes{% endif %} et ne peut servir qu’une seule fois.",
    ignore: "Si vous ne l’avez pas demandé, vous pouvez ignorer cet e-mail.",
    reasons: {
      code_register: "Saisissez-le pour confirmer votre adresse e-mail.",
      code_recheck: "Saisissez-le pour terminer votre connexion.",
      code_reset: "Saisissez-le pour choisir un nouveau mot de passe.",
      code_signin: "Saisissez-le pour vous connecter. Si vous n’avez pas demandé à vous connecter, ignorez cet e-mail.",
      code_account_delete: "Saisissez-le pour confirmer la suppression de votre compte.",
      code_email_change: "Saisissez-le pour confirmer cette adresse comme nouvelle adresse e-mail de votre compte.",
      code_email_change_proof: "Saisissez-le pour confirmer que vous souhaitez changer l’adresse e-mail de votre compte.",
    },
  },
  notices: {
    already_registered: {
      subject: "Vous avez déjà un compte",
      paragraphs: [
        "Quelqu’un a essayé de créer un compte avec cette adresse e-mail, qui en a déjà un.",
        "Si c’était vous, connectez-vous plutôt, ou utilisez « Mot de passe oublié ? » si vous ne vous en souvenez plus.",
        "Sinon, vous pouvez ignorer cet e-mail : rien n’a été modifié.",
      ],
    },
    password_changed: {
      subject: "Votre mot de passe a été modifié",
      paragraphs: [
        `Le mot de passe de votre compte a été modifié depuis une session connectée. ${signedOut}`,
        "Si c’était vous, vous n’avez rien à faire.",
        ifNotYou,
      ],
    },
    password_reset: {
      subject: "Votre mot de passe a été modifié",
      paragraphs: [
        `Le mot de passe de votre compte a été réinitialisé avec un code envoyé à cette adresse. ${signedOut}`,
        "Si c’était vous, vous n’avez rien à faire.",
        ifNotYou,
      ],
    },
    mfa_enabled: {
      subject: "La connexion en deux étapes est activée",
      paragraphs: [
        "Une application d’authentification a été configurée comme seconde étape de connexion à votre compte.",
        wasYou,
        "Sinon, quelqu’un d’autre s’est peut-être connecté à votre compte : changez dès maintenant votre mot de passe avec « Mot de passe oublié ? ».",
      ],
    },
    mfa_disabled: {
      subject: "La connexion en deux étapes a été désactivée",
      paragraphs: [
        "L’application d’authentification a été retirée de votre compte depuis une session connectée : la connexion ne demande plus qu’une étape.",
        wasYou,
        turnBackOn,
      ],
    },
    mfa_disabled_by_admin: {
      subject: "La connexion en deux étapes a été désactivée",
      paragraphs: [
        "Un administrateur a retiré l’application d’authentification de votre compte : la connexion ne demande plus qu’une étape.",
        wasYou,
        turnBackOn,
      ],
    },
    passkey_added: {
      subject: "Une clé d’accès a été ajoutée à votre compte",
      paragraphs: [
        "Une clé d’accès (passkey) a été ajoutée à votre compte. Elle vous connecte à elle seule, sans mot de passe ni deuxième étape.",
        "Si c’était vous, vous n’avez rien à faire.",
        "Sinon, supprimez-la depuis l’écran de sécurité de votre compte et changez tout de suite votre mot de passe avec « Mot de passe oublié ? ».",
      ],
    },
    passkey_removed: {
      subject: "Une clé d’accès a été retirée de votre compte",
      paragraphs: [
        "Une clé d’accès (passkey) a été retirée de votre compte. Elle ne permet plus de vous connecter.",
        "Si c’était vous, vous n’avez rien à faire.",
        "Sinon, quelqu’un d’autre s’est peut-être connecté à votre compte : changez tout de suite votre mot de passe avec « Mot de passe oublié ? ».",
      ],
    },
    account_deletion_scheduled: {
      subject: "Votre compte sera supprimé le {{ delete_after | date: '%d/%m/%Y' }}",
      paragraphs: [
        "Vous avez demandé la suppression de votre compte. Il sera définitivement supprimé le {{ delete_after | date: '%d/%m/%Y à %H:%M' }} (UTC), avec tout ce que nous conservons à votre sujet, et vous avez été déconnecté partout.",
        "Vous avez changé d’avis ? Connectez-vous d’ici là et annulez la suppression, ou annulez-la avec ce code : {{ cancel_token }}{% if undo_url != '' %} (ou ouvrez {{ undo_url }}){% endif %}",
        "Si vous n’êtes pas à l’origine de cette demande, connectez-vous maintenant, annulez la suppression et changez votre mot de passe.",
      ],
    },
    email_change_requested: {
      subject: "L’adresse e-mail de votre compte va changer",
      paragraphs: [
        "Depuis une session connectée à votre compte, quelqu’un a demandé à remplacer son adresse e-mail par {{ new_email }}. Dès que le code envoyé à cette adresse sera saisi, votre compte l’utilisera et toutes les autres sessions seront déconnectées.",
        "Si c’était vous, vous n’avez rien à faire.",
        "Sinon, annulez le changement avec ce code avant le {{ cancel_until | date: '%d/%m/%Y à %H:%M' }} (UTC), même s’il a déjà eu lieu : {{ cancel_token }}{% if undo_url != '' %} (ou ouvrez {{ undo_url }}){% endif %}. Réinitialisez ensuite votre mot de passe.",
      ],
    },
  },
};
