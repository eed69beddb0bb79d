"""The password policy of SPEC §3 (ANSSI 2021, CNIL 2022).

A password is checked rule by rule; the first rule that fails is named in the error, so the
user knows what to change.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cpfadmin.domain.errors import MotDePasseNonConforme
from cpfadmin.domain.roles import Role

LONGUEUR_MAX = 256
HISTORIQUE = 5


@dataclass(frozen=True)
class Politique:
    longueur_min: int
    longueur_sans_classes: int = 20
    longueur_max: int = LONGUEUR_MAX
    historique: int = HISTORIQUE
    expiration_jours: int | None = None  # None: the password does not expire

    @property
    def description(self) -> list[str]:
        lignes = [
            f"Entre {self.longueur_min} et {self.longueur_max} caractères, tous significatifs.",
            "Au moins une majuscule, une minuscule, un chiffre et un caractère spécial "
            f"(règle levée à partir de {self.longueur_sans_classes} caractères).",
            "Ne contient ni votre identifiant, ni votre nom, ni votre prénom, "
            "ni la partie locale de votre e-mail.",
            "N'est pas un mot de passe courant ou présent dans une liste de fuites.",
            f"Différent de vos {self.historique} derniers mots de passe.",
        ]
        if self.expiration_jours:
            lignes.append(f"Expire au bout de {self.expiration_jours} jours.")
        else:
            lignes.append("N'expire pas.")
        return lignes


def politique_pour(role: Role | str, *, expiration_admin_jours: int = 365) -> Politique:
    """12 characters for gestionnaires; 16 and a yearly change for administrators (operators
    are administrators of the cdc organisme)."""
    if Role(role).est_administrateur:
        return Politique(longueur_min=16, expiration_jours=expiration_admin_jours)
    return Politique(longueur_min=12)


@dataclass(frozen=True)
class DonneesPersonnelles:
    identifiant: str
    nom: str
    prenom: str
    email: str


def _replie(texte: str) -> str:
    """Lower case without accents, to compare personal data with a password."""
    decompose = unicodedata.normalize("NFKD", texte.casefold())
    return "".join(c for c in decompose if not unicodedata.combining(c))


# Small built-in list; the passwords issue widens it with a leaked-password list.
MOTS_COURANTS = frozenset(
    {
        "motdepasse",
        "password",
        "azerty",
        "qwerty",
        "123456",
        "soleil",
        "bonjour",
        "doudou",
        "chouchou",
        "marseille",
        "loulou",
        "admin",
        "welcome",
        "letmein",
    }
)


def verifier(
    mot_de_passe: str,
    politique: Politique,
    personne: DonneesPersonnelles,
    *,
    deja_utilise: Callable[[str], bool] | None = None,
    mots_courants: Iterable[str] = MOTS_COURANTS,
) -> None:
    """Raise ``MotDePasseNonConforme`` naming the first rule the password breaks.

    ``deja_utilise`` tells whether the password matches one of the last ones (the caller holds
    the hashes); it is called last because it is slow (one bcrypt verification per entry).
    """
    longueur = len(mot_de_passe)
    if longueur < politique.longueur_min:
        raise MotDePasseNonConforme(
            "longueur_min",
            f"Mot de passe trop court : {politique.longueur_min} caractères au moins "
            f"({longueur} saisis).",
        )
    if longueur > politique.longueur_max:
        raise MotDePasseNonConforme(
            "longueur_max", f"Mot de passe trop long : {politique.longueur_max} caractères au plus."
        )
    if any(unicodedata.category(c) == "Cc" for c in mot_de_passe):
        raise MotDePasseNonConforme(
            "caracteres", "Le mot de passe ne doit pas contenir de caractère de contrôle."
        )
    if longueur < politique.longueur_sans_classes:
        manquantes = [
            libelle
            for libelle, present in (
                ("une majuscule", any(c.isupper() for c in mot_de_passe)),
                ("une minuscule", any(c.islower() for c in mot_de_passe)),
                ("un chiffre", any(c.isdigit() for c in mot_de_passe)),
                ("un caractère spécial", any(not c.isalnum() for c in mot_de_passe)),
            )
            if not present
        ]
        if manquantes:
            raise MotDePasseNonConforme(
                "classes",
                f"Il manque {', '.join(manquantes)} au mot de passe "
                f"(ou choisissez-en un d'au moins {politique.longueur_sans_classes} caractères).",
            )
    replie = _replie(mot_de_passe)
    local_email = personne.email.split("@", 1)[0]
    for libelle, valeur in (
        ("votre identifiant", personne.identifiant),
        ("votre nom", personne.nom),
        ("votre prénom", personne.prenom),
        ("votre adresse e-mail", local_email),
    ):
        for morceau in _replie(valeur).replace("-", " ").replace(".", " ").split():
            if len(morceau) >= 3 and morceau in replie:
                raise MotDePasseNonConforme(
                    "donnees_personnelles", f"Le mot de passe ne doit pas contenir {libelle}."
                )
    alphanum = "".join(c for c in replie if c.isalnum())
    sans_chiffres_finaux = alphanum.rstrip("0123456789")
    if (
        replie in mots_courants
        or alphanum in mots_courants
        or sans_chiffres_finaux in mots_courants
    ):
        raise MotDePasseNonConforme(
            "courant", "Ce mot de passe est trop courant : choisissez-en un autre."
        )
    if deja_utilise is not None and deja_utilise(mot_de_passe):
        raise MotDePasseNonConforme(
            "historique",
            f"Ce mot de passe fait partie de vos {politique.historique} derniers : "
            "choisissez-en un nouveau.",
        )
