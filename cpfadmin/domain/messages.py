"""The automatic e-mails, in French, modelled on the portal's messages. The body keeps a
marker where the secret goes: the secret itself is stored apart and purged once delivered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MARQUEUR_SECRET = "[[MOT_DE_PASSE_TEMPORAIRE]]"
# The states of a queued message (``outbox list --statut``).
STATUTS_MESSAGE = ("en_attente", "envoye", "echec", "expire", "remplace")


@dataclass(frozen=True)
class Courriel:
    sujet: str
    corps: str  # MARQUEUR_SECRET where a secret goes, if the message carries one


def _date(d: datetime) -> str:
    """Paris time, as the portal's users read it, whatever the server's zone."""
    from zoneinfo import ZoneInfo

    return d.astimezone(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y à %H:%M (heure de Paris)")


def mot_de_passe_temporaire(
    *,
    prenom: str,
    nom: str,
    raison_sociale: str,
    expire_le: datetime,
    url_portail: str,
    renouvellement: bool,
) -> Courriel:
    """The message that carries a temporary password — never the identifiant, which the
    administrator hands over (two channels, as in the guide)."""
    if renouvellement:
        objet = "SI CPF – Renouvellement de votre mot de passe"
        introduction = (
            "Le mot de passe de votre compte sur le portail gestionnaire du SI CPF "
            f"(organisme {raison_sociale}) a été renouvelé à la demande de votre administrateur."
        )
    else:
        objet = "SI CPF – Votre mot de passe temporaire"
        introduction = (
            "Vous avez été habilité(e) sur le portail gestionnaire du SI CPF "
            f"(organisme {raison_sociale})."
        )
    corps = f"""Bonjour {prenom} {nom},

{introduction}

Votre mot de passe temporaire : {MARQUEUR_SECRET}

Il est valable jusqu'au {_date(expire_le)} et ne sert qu'une fois : lors de votre connexion,
vous devrez personnaliser votre mot de passe, puis valider les conditions générales
d'utilisation.

Votre identifiant vous est communiqué par votre administrateur ; il ne figure pas dans ce
message.

Pour vous connecter : {url_portail}
ou, en ligne de commande : cpfadmin login VOTRE_IDENTIFIANT

Ce message est généré automatiquement par le SI CPF ; merci de ne pas y répondre.
"""
    return Courriel(objet, corps)


def compte_verrouille(
    *,
    prenom: str,
    nom: str,
    identifiant: str,
    echecs: int,
    verrouille_le: datetime,
    jusqua: datetime,
) -> Courriel:
    """The notice to an account's owner that it just locked (issue 13): when, until when, and
    what to do — the owner learns of a guessing attack, and whom to ask to lift it."""
    corps = f"""Bonjour {prenom} {nom},

Votre compte {identifiant} sur le portail gestionnaire du SI CPF a été verrouillé le
{_date(verrouille_le)}, après {echecs} tentatives de connexion échouées consécutives.

Il se déverrouillera de lui-même le {_date(jusqua)}. Votre mot de passe reste valable.

Si ces tentatives ne viennent pas de vous, quelqu'un essaie peut-être de deviner votre mot de
passe : prévenez votre administrateur. Il peut aussi déverrouiller votre compte dès maintenant
(cpfadmin gestionnaires unlock {identifiant}) ou renouveler votre mot de passe.

Ce message est généré automatiquement par le SI CPF ; merci de ne pas y répondre.
"""
    return Courriel("SI CPF – Votre compte a été verrouillé", corps)


def adresse_masquee(adresse: str) -> str:
    """An address the reader recognises without learning it: « p***@l***.example »."""
    locale, _, domaine = adresse.rpartition("@")
    nom, point, reste = domaine.partition(".")
    return f"{locale[:1]}***@{nom[:1]}***{point}{reste}"


def email_modifie(
    *, prenom: str, nom: str, raison_sociale: str, modifie_le: datetime, nouvelle_adresse: str
) -> Courriel:
    """The notice sent to the old address when an account's e-mail changes: the channel of its
    temporary passwords moves, so its owner must hear of it where they still read."""
    corps = f"""Bonjour {prenom} {nom},

L'adresse e-mail de votre compte sur le portail gestionnaire du SI CPF (organisme
{raison_sociale}) a été modifiée le {_date(modifie_le)}.

Nouvelle adresse : {adresse_masquee(nouvelle_adresse)}

Les messages du SI CPF, dont les mots de passe temporaires, sont désormais envoyés à cette
adresse ; celle-ci n'en recevra plus.

Si vous n'êtes pas à l'origine de ce changement, contactez sans attendre votre administrateur
(la Caisse des Dépôts si vous êtes administrateur principal) : il rétablira votre adresse et
renouvellera votre mot de passe.

Ce message est généré automatiquement par le SI CPF ; merci de ne pas y répondre.
"""
    return Courriel("SI CPF – Modification de votre adresse e-mail", corps)


def delai_nouvel_essai(tentatives: int) -> float:
    """Seconds before the next delivery attempt: 1 min, 2, 4… up to one hour."""
    return float(min(60 * 2 ** max(0, tentatives - 1), 3600))


TENTATIVES_MAX = 12
