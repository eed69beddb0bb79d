"""The automatic e-mails, in French, modelled on the portal's messages. The body keeps a
marker where the secret goes: the secret itself is stored apart and purged once delivered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MARQUEUR_SECRET = "[[MOT_DE_PASSE_TEMPORAIRE]]"


@dataclass(frozen=True)
class Courriel:
    sujet: str
    corps: str  # contains MARQUEUR_SECRET


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


def delai_nouvel_essai(tentatives: int) -> float:
    """Seconds before the next delivery attempt: 1 min, 2, 4… up to one hour."""
    return float(min(60 * 2 ** max(0, tentatives - 1), 3600))


TENTATIVES_MAX = 12
