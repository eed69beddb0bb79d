"""The fields of an account that an administrator types, in one table every layer reads: the
columns of an import and of an export and the spellings of their headers (``tableur``), their
labels (error messages, the CLI's tables), the options of the use cases that create and change
an account, its view. A new optional text field is one entry here — with its column and
migration in the store, and its option on the command line.

Pure data, no import beyond the standard library: the CLI reads the labels at ``--help`` time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Champ:
    """One field: its key (column, JSON key, option name), its French label, the headers
    French administrations give it in their spreadsheets (compared by ``tableur.forme_entete``),
    whether a new account needs it, and whether it is a plain text — trimmed and bounded, with
    no rule of its own, which the generic code validates, creates, changes, shows, imports and
    exports. The others (e-mail, phones, unité, niveau, délégué) have rules of their own."""

    nom: str
    libelle: str
    entetes: tuple[str, ...]
    obligatoire: bool = False
    texte_libre: bool = False
    longueur_max: int = 100


CHAMPS: tuple[Champ, ...] = (
    Champ(
        "nom",
        "Nom",
        (
            "Nom",
            "Nom d'usage",
            "Nom usuel",
            "Nom marital",
            "Nom de l'agent",
        ),
        obligatoire=True,
        texte_libre=True,
    ),
    Champ(
        "prenom",
        "Prénom",
        (
            "Prénom",
            "Prénoms",
            "Prénom usuel",
            "Premier prénom",
            "Prénom de l'agent",
        ),
        obligatoire=True,
        texte_libre=True,
    ),
    Champ(
        "email",
        "E-mail",
        (
            "E-mail",
            "Mail",
            "Mél",
            "Courriel",
            "Adresse e-mail",
            "Adresse mail",
            "Adresse mél",
            "Adresse électronique",
            "Adresse courriel",
            "Messagerie",
            "E-mail professionnel",
            "Mail professionnel",
            "Mél professionnel",
            "Courriel professionnel",
            "Adresse électronique professionnelle",
            "Adresse e-mail professionnelle",
        ),
        obligatoire=True,
    ),
    Champ(
        "telephone_fixe",
        "Téléphone fixe",
        (
            "Téléphone fixe",
            "Tél. fixe",
            "Fixe",
            "Téléphone",
            "Tél",
            "Numéro de téléphone",
            "Téléphone professionnel",
            "Tél. professionnel",
            "Tél. pro",
            "Téléphone bureau",
            "Téléphone de bureau",
            "Ligne directe",
            "Fixe professionnel",
        ),
    ),
    Champ(
        "telephone_mobile",
        "Téléphone mobile",
        (
            "Téléphone mobile",
            "Tél. mobile",
            "Mobile",
            "Portable",
            "Téléphone portable",
            "Tél. portable",
            "GSM",
            "Tél. GSM",
            "Mobile professionnel",
            "Portable professionnel",
            "Téléphone mobile professionnel",
            "Téléphone portable professionnel",
        ),
    ),
    Champ(
        "unite",
        "Unité",
        (
            "Unité",
            "Service",
            "Direction",
            "Affectation",
            "Structure",
            "Unité d'affectation",
            "Service d'affectation",
            "Direction d'affectation",
            "Structure d'affectation",
            "Unité organisationnelle",
        ),
    ),
    Champ(
        "niveau_habilitation",
        "Niveau d'habilitation",
        (
            "Niveau d'habilitation",
            "Niveau",
            "Habilitation",
            "Niveau d'accès",
            "Droits",
            "Droits d'accès",
            "Profil d'habilitation",
        ),
    ),
    Champ(
        "administrateur_delegue",
        "Administrateur délégué",
        (
            "Administrateur délégué",
            "Délégué",
            "Admin délégué",
            "Adm. délégué",
        ),
    ),
)

PAR_NOM: dict[str, Champ] = {c.nom: c for c in CHAMPS}
# The plain texts, in the order a view shows them (after the identifiant).
TEXTES_LIBRES: tuple[Champ, ...] = tuple(c for c in CHAMPS if c.texte_libre)
