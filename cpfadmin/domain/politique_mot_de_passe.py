"""The password policy of SPEC §3 (ANSSI 2021, CNIL 2022).

A password is checked rule by rule; the first rule that fails is named in the error, so the
user knows what to change.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from cpfadmin.domain.errors import MotDePasseNonConforme
from cpfadmin.domain.roles import Role
from cpfadmin.domain.validation import replier

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
            "Ne repose pas sur des suites de clavier (azerty, 1234, abcd…) ni sur des "
            "caractères répétés.",
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


# French passwords the international list misses; the 20,000 of
# ``data/mots-de-passe-courants.txt.gz`` (Royce Williams' list, as Django ships it) are added.
MOTS_COURANTS_FRANCAIS = frozenset(
    {
        "motdepasse",
        "azerty",
        "azertyuiop",
        "soleil",
        "bonjour",
        "doudou",
        "chouchou",
        "marseille",
        "loulou",
        "nicolas",
        "julien",
        "camille",
        "chocolat",
        "coucou",
        "jetaime",
        "princesse",
        "marine",
        "caisse",
        "caissedesdepots",
        "moncompte",
        "moncompteformation",
        "formation",
        "portail",
        "gestionnaire",
        "administrateur",
        "bienvenue",
        "france",
        "paris",
        "lyon",
        "toulouse",
        "nantes",
        "lille",
        "bordeaux",
    }
)


@lru_cache(maxsize=1)
def liste_mots_courants() -> frozenset[str]:
    """The common and leaked passwords, loaded once, on first use."""
    import gzip
    from importlib.resources import files

    donnees = files("cpfadmin.data").joinpath("mots-de-passe-courants.txt.gz").read_bytes()
    liste = gzip.decompress(donnees).decode("utf-8").split()
    return frozenset(liste) | MOTS_COURANTS_FRANCAIS


# "P@ssw0rd" is "password": the usual substitutions are undone before the list is searched.
_SUBSTITUTIONS = str.maketrans(
    {
        "@": "a",
        "4": "a",
        "0": "o",
        "1": "i",
        "!": "i",
        "3": "e",
        "$": "s",
        "5": "s",
        "7": "t",
        "+": "t",
        "8": "b",
        "9": "g",
    }
)

# Rows of French and English keyboards and the usual sequences, read both ways.
RANGEES = (
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1234567890",
    "abcdefghijklmnopqrstuvwxyz",
)
SUITE_MIN = 4


def _formes(replie: str) -> set[str]:
    """The forms under which a password is looked up in the common list: as typed, letters
    and digits only, without the digits and symbols around it, and with the usual
    substitutions undone (``P@ssw0rd-2026`` → ``password``)."""

    def alphanum(t: str) -> str:
        return "".join(c for c in t if c.isalnum())

    # Digits and symbols tacked on at the end ("-2026!"), digits at the start ("2026-").
    fin = replie.rstrip("0123456789" + string.punctuation + " ")
    coeur = fin.lstrip("0123456789 -_.")
    formes = {replie, alphanum(replie), alphanum(fin), alphanum(coeur)}
    formes |= {alphanum(t.translate(_SUBSTITUTIONS)) for t in (fin, coeur)}
    return {f for f in formes if f}


def _suite(texte: str, i: int) -> int:
    """Length of the keyboard run or sequence starting at ``i`` (forwards or backwards)."""
    meilleur = 0
    for rangee in RANGEES:
        for sens in (rangee, rangee[::-1]):
            position = sens.find(texte[i])
            if position < 0:
                continue
            n = 1
            while (
                i + n < len(texte)
                and position + n < len(sens)
                and texte[i + n] == sens[position + n]
            ):
                n += 1
            meilleur = max(meilleur, n)
    return meilleur


def sans_motifs(texte: str) -> str:
    """What is left once keyboard runs and sequences of at least four characters (``azerty``,
    ``1234``, ``dcba``) and characters repeated three times or more are removed."""
    reste: list[str] = []
    i = 0
    while i < len(texte):
        j = i
        while j + 1 < len(texte) and texte[j + 1] == texte[i]:
            j += 1
        if j - i + 1 >= 3:
            i = j + 1
            continue
        n = _suite(texte, i)
        if n >= SUITE_MIN:
            i += n
            continue
        reste.append(texte[i])
        i += 1
    return "".join(reste)


def verifier(
    mot_de_passe: str,
    politique: Politique,
    personne: DonneesPersonnelles,
    *,
    deja_utilise: Callable[[str], bool] | None = None,
    mots_courants: Iterable[str] | None = None,
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
    replie = replier(mot_de_passe)
    local_email = personne.email.split("@", 1)[0]
    for libelle, valeur in (
        ("votre identifiant", personne.identifiant),
        ("votre nom", personne.nom),
        ("votre prénom", personne.prenom),
        ("votre adresse e-mail", local_email),
    ):
        for morceau in replier(valeur).replace("-", " ").replace(".", " ").split():
            if len(morceau) >= 3 and morceau in replie:
                raise MotDePasseNonConforme(
                    "donnees_personnelles", f"Le mot de passe ne doit pas contenir {libelle}."
                )
    liste = liste_mots_courants() if mots_courants is None else frozenset(mots_courants)
    if _formes(replie) & liste:
        raise MotDePasseNonConforme(
            "courant",
            "Ce mot de passe figure parmi les mots de passe courants ou divulgués : "
            "choisissez-en un autre.",
        )
    reste = len(sans_motifs(replie))
    if reste < politique.longueur_min:
        raise MotDePasseNonConforme(
            "motif_clavier",
            "Le mot de passe repose trop sur des suites de clavier (azerty, 1234, abcd…) ou des "
            f"caractères répétés : sans elles, il doit compter au moins {politique.longueur_min} "
            f"caractères ({reste} ici).",
        )
    if deja_utilise is not None and deja_utilise(mot_de_passe):
        raise MotDePasseNonConforme(
            "historique",
            f"Ce mot de passe fait partie de vos {politique.historique} derniers : "
            "choisissez-en un nouveau.",
        )
