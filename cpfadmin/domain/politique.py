"""The security policy of the system (SPEC §4): what it holds, its defaults and its bounds.

The policy lives in the store, not in anybody's ``config.toml``: a token holder who could set
``session_idle_minutes`` in his own profile would revive an idle session. ``cpfadmin politique
set`` checks each value against the bounds below; a value the store holds outside them (only
someone who writes the store directly can put it there, as the test suite does for a fast
bcrypt) is read as it is and marked so by ``politique show``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from typing import Any

from cpfadmin.domain.errors import Commande, DonneeInvalide


@dataclass(frozen=True)
class Politiques:
    """The policy in force. Field names are the keys of ``cpfadmin politique set``."""

    bcrypt_cost: int = 12
    temporary_password_days: int = 7
    session_absolute_hours: int = 12
    session_idle_minutes: int = 60
    admin_password_days: int = 365
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    lockout_max_hours: int = 24
    failure_reset_minutes: int = 720
    source_throttle_failures: int = 20
    source_throttle_minutes: int = 15
    mail_file_transport_shared: bool = False

    @property
    def verrouillage_initial(self) -> timedelta:
        return timedelta(minutes=self.lockout_minutes)

    @property
    def verrouillage_max(self) -> timedelta:
        return timedelta(hours=self.lockout_max_hours)

    @property
    def fenetre_source(self) -> timedelta:
        return timedelta(minutes=self.source_throttle_minutes)

    @property
    def fenetre_remise_a_zero(self) -> timedelta:
        return timedelta(minutes=self.failure_reset_minutes)


@dataclass(frozen=True)
class Regle:
    """What one key means, and the values ``politique set`` accepts."""

    libelle: str
    unite: str
    minimum: float | None = None
    maximum: float | None = None


REGLES: dict[str, Regle] = {
    "bcrypt_cost": Regle("Coût bcrypt des mots de passe choisis", "", 10, 15),
    "temporary_password_days": Regle("Validité d'un mot de passe temporaire", "jours", 1, 30),
    "session_absolute_hours": Regle("Durée maximale d'une session", "heures", 1, 24),
    "session_idle_minutes": Regle("Inactivité qui met fin à une session", "minutes", 5, 240),
    "admin_password_days": Regle(
        "Expiration du mot de passe d'un administrateur", "jours", 30, 730
    ),
    "lockout_threshold": Regle("Échecs consécutifs avant verrouillage", "échecs", 3, 20),
    "lockout_minutes": Regle("Durée du premier verrouillage", "minutes", 1, 60),
    "lockout_max_hours": Regle("Durée maximale d'un verrouillage", "heures", 1, 72),
    "failure_reset_minutes": Regle(
        "Période calme qui remet à zéro les échecs et le niveau de verrouillage",
        "minutes",
        15,
        10080,
    ),
    "source_throttle_failures": Regle(
        "Échecs de connexion admis depuis une même adresse (serveur) par période", "échecs", 5, 1000
    ),
    "source_throttle_minutes": Regle(
        "Période de la limitation par adresse (serveur)", "minutes", 1, 1440
    ),
    "mail_file_transport_shared": Regle(
        "Transport de courrier « file » admis sur une base partagée (PostgreSQL)", "oui/non"
    ),
}
assert set(REGLES) == {f.name for f in fields(Politiques)}

_VRAI = {"true", "oui", "1", "yes", "vrai", "on"}
_FAUX = {"false", "non", "0", "no", "faux", "off"}


def _type(cle: str) -> type:
    return type(getattr(Politiques(), cle))


def _cle_connue(cle: str) -> str:
    cle = cle.strip().lower().replace("-", "_")
    if cle not in REGLES:
        from difflib import get_close_matches

        proche = get_close_matches(cle, REGLES, n=1)
        raise DonneeInvalide(
            f"Clé de politique inconnue : « {cle} »"
            + (f" (vouliez-vous dire « {proche[0]} » ?)" if proche else "")
            + f". Clés : {', '.join(REGLES)}.",
            champ="cle",
            suggestion=Commande("politique show"),
        )
    return cle


def bornes(cle: str) -> str:
    regle = REGLES[cle]
    if regle.minimum is None:
        return "oui ou non"
    unite = f" {regle.unite}" if regle.unite else ""
    return f"de {regle.minimum:g} à {regle.maximum:g}{unite}"


def dans_les_bornes(cle: str, valeur: Any) -> bool:
    regle = REGLES[cle]
    if regle.minimum is None or regle.maximum is None:
        return True
    return regle.minimum <= valeur <= regle.maximum


def convertir(cle: str, texte: str) -> tuple[str, Any]:
    """The key and its typed value from what an operator typed; raises ``DonneeInvalide``
    (exit 7) naming the bounds for a value outside them."""
    cle = _cle_connue(cle)
    brut = texte.strip().lower().replace(",", ".")
    attendu = _type(cle)
    valeur: Any
    try:
        if attendu is bool:
            if brut not in _VRAI | _FAUX:
                raise ValueError
            valeur = brut in _VRAI
        elif attendu is int:
            valeur = int(brut)
        else:
            valeur = float(brut)
            if not math.isfinite(valeur):
                raise ValueError
            if valeur == int(valeur):
                valeur = int(valeur)
    except ValueError:
        nature = {bool: "oui ou non", int: "un nombre entier"}.get(attendu, "un nombre")
        raise DonneeInvalide(
            f"Valeur invalide pour {cle} : « {texte} » ({nature} attendu, {bornes(cle)}).",
            champ="valeur",
        ) from None
    if not dans_les_bornes(cle, valeur):
        raise DonneeInvalide(
            f"Valeur hors bornes pour {cle} : {texte} (admis : {bornes(cle)}).",
            champ="valeur",
        )
    return cle, valeur


def en_texte(valeur: Any) -> str:
    """How the store keeps a value (one text column, read back by ``depuis_le_magasin``)."""
    if isinstance(valeur, bool):
        return "true" if valeur else "false"
    return f"{valeur:g}" if isinstance(valeur, float) else str(valeur)


def depuis_le_magasin(valeurs: dict[str, str]) -> Politiques:
    """The policy from the store's rows: a missing key keeps its default; a row the store holds
    for a key this version does not know (written by a newer cpfadmin) is ignored."""
    choisies: dict[str, Any] = {}
    for cle, texte in valeurs.items():
        if cle not in REGLES:
            continue
        attendu = _type(cle)
        try:
            if attendu is bool:
                choisies[cle] = texte.strip().lower() in _VRAI
            elif attendu is int:
                choisies[cle] = int(texte)
            else:
                choisies[cle] = float(texte)
        except ValueError:
            continue  # an unreadable row keeps the default
    return replace(Politiques(), **choisies)
