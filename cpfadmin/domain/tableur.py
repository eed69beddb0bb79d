"""The columns of a bulk import and of an export (SPEC §6), and how headers and cells typed in
a spreadsheet are read: headers by a table of the spellings administrations use, without
regard to case, accents, punctuation or hints; where the header row is (below title rows);
the délégué column as oui/non, O/N, 1/0, x/empty."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from cpfadmin.domain.champs import CHAMPS
from cpfadmin.domain.errors import DonneeInvalide, Option

# The columns an import reads: the fields an administrator types (``champs``), in order.
COLONNES_IMPORT = tuple(c.nom for c in CHAMPS)
OBLIGATOIRES = tuple(c.nom for c in CHAMPS if c.obligatoire)
# An export adds these; an import reads past them, so that an export re-imports.
COLONNES_EXPORT_SEULEMENT = ("identifiant", "role", "statut")
COLONNES_EXPORT = ("identifiant", *COLONNES_IMPORT, "role", "statut")

# Headers as French administrations write them, one documented table (the guide lists it):
# each field's ``Champ.entetes``, and the export's own columns.
# A header is compared by its form (``forme_entete``): case, accents, spaces, punctuation,
# hints in brackets (« (oui/non) », « (facultatif) », « * »), « N° »/« Numéro » and the little
# words (de, d', du…) do not count: « N° de téléphone » is « Téléphone », « Prénom(s) » is
# « Prénom ».
SYNONYMES: dict[str, tuple[str, ...]] = {
    **{c.nom: c.entetes for c in CHAMPS},
    "identifiant": ("Identifiant",),
    "role": ("Rôle",),
    "statut": ("Statut",),
}
# Read only where the column above is absent or its cell empty: the birth name gives the nom
# of the agents who have no usage name.
SECOURS: dict[str, tuple[str, ...]] = {
    "nom": ("Nom de famille", "Nom de naissance", "Nom patronymique"),
}

_MOTS_VIDES = frozenset({"n", "no", "num", "numero", "nr", "de", "d", "du", "des", "l", "la", "le"})
_INDICATIONS = re.compile(r"\([^)]*\)|\[[^\]]*\]|\*")


def forme_entete(entete: str) -> str:
    """``"Téléphone mobile"``, ``"TELEPHONE_MOBILE"``, ``"telephone-mobile"``,
    ``"Tél. mobile (facultatif)"`` and ``"N° de téléphone mobile"`` compare by this form."""
    sans_indication = _INDICATIONS.sub(" ", entete).replace("°", " ").replace("º", " ")
    decompose = unicodedata.normalize("NFKD", sans_indication.casefold())
    lettres = "".join(c for c in decompose if not unicodedata.combining(c))
    mots = [m for m in re.findall(r"[^\W_]+", lettres) if m not in _MOTS_VIDES]
    forme = "".join(mots)
    # « Tél » is « Téléphone », « Mél » is « Mail », « E-mail » is « Mail »
    for court, long in (("tel", "telephone"), ("mel", "mail"), ("email", "mail")):
        if forme.startswith(court) and not forme.startswith(long):
            forme = long + forme[len(court) :]
    return forme


# form → (column, rank): rank 1 for SYNONYMES (and the column's own code), 2 for SECOURS.
_PAR_FORME: dict[str, tuple[str, int]] = {}
for _colonne, _ecritures in SYNONYMES.items():
    for _ecriture in (_colonne, *_ecritures):
        _PAR_FORME.setdefault(forme_entete(_ecriture), (_colonne, 1))
for _colonne, _ecritures in SECOURS.items():
    for _ecriture in _ecritures:
        _PAR_FORME.setdefault(forme_entete(_ecriture), (_colonne, 2))


def colonne_et_rang(entete: str) -> tuple[str, int] | None:
    """The canonical column of a header and its rank (1, or 2 for a fallback), or None."""
    return _PAR_FORME.get(forme_entete(entete))


def colonne_de(entete: str) -> str | None:
    """The canonical column of a header, or None when it names none."""
    trouve = colonne_et_rang(entete)
    return trouve[0] if trouve else None


def colonnes_proches(entete: str) -> list[str]:
    """The columns whose spellings are closest to an unknown header, best first."""
    import difflib

    forme = forme_entete(entete)
    if not forme:
        return []
    # A known spelling inside the header (« Téléphone portable 2 »), else a close one.
    formes = sorted((f for f in _PAR_FORME if len(f) >= 4 and f in forme), key=len, reverse=True)
    formes += difflib.get_close_matches(forme, list(_PAR_FORME), n=6, cutoff=0.75)
    vues: list[str] = []
    for f in formes:
        colonne = _PAR_FORME[f][0]
        if colonne not in vues and colonne not in COLONNES_EXPORT_SEULEMENT:
            vues.append(colonne)
    return vues[:3]


@dataclass(frozen=True)
class Regles:
    """How this import reads its headers: the synonym table, plus what the person said on
    the command line — ``--colonne CHAMP="En-tête"`` and ``--ignorer-colonne "En-tête"``."""

    explicites: dict[str, str] = field(default_factory=dict)  # header form → column
    ignorees: frozenset[str] = frozenset()  # header forms

    @classmethod
    def depuis_options(cls, colonnes: list[str], ignorer: list[str]) -> Regles:
        from cpfadmin.domain.suggestions import vouliez_vous_dire

        explicites: dict[str, str] = {}
        for option in colonnes:
            champ, egal, entete = option.partition("=")
            champ, entete = champ.strip(), entete.strip().strip("\"'«» ")
            if not egal or not champ or not entete:
                raise DonneeInvalide(
                    (
                        Option("colonne", option),
                        ' : la forme est CHAMP="En-tête" (par exemple ',
                        Option("colonne", 'administrateur_delegue="Délégué (O/N)"'),
                        ").",
                    ),
                    champ="colonne",
                )
            if champ not in COLONNES_IMPORT:
                raise DonneeInvalide(
                    (
                        Option("colonne"),
                        f" : champ inconnu « {champ} » ({', '.join(COLONNES_IMPORT)}).",
                    ),
                    champ="colonne",
                    suggestion=vouliez_vous_dire(champ, COLONNES_IMPORT),
                )
            explicites[forme_entete(entete)] = champ
        return cls(explicites, frozenset(forme_entete(e) for e in ignorer if e.strip()))

    def lire(self, entete: str) -> tuple[str, int] | None:
        """The column a header gives (and its rank); None for an unknown or ignored one."""
        forme = forme_entete(entete)
        if not forme or forme in self.ignorees:
            return None
        if forme in self.explicites:
            return self.explicites[forme], 0
        return _PAR_FORME.get(forme)

    def ignoree(self, entete: str) -> bool:
        return forme_entete(entete) in self.ignorees

    def colonnes(self, cellules: list[object]) -> set[str]:
        lues = (self.lire(str(c)) for c in cellules if c not in (None, ""))
        return {lu[0] for lu in lues if lu}

    def est_entete(self, cellules: list[object]) -> bool:
        """Whether a row is the header: it names every required column."""
        return set(OBLIGATOIRES) <= self.colonnes(cellules)


LIGNES_AVANT_ENTETE = 20


def trouver_entete(premieres: list[list[object]], regles: Regles) -> int | None:
    """Index of the header among a table's first rows (title, blank and merged rows above it
    are skipped), or None when no row names the required columns."""
    for i, cellules in enumerate(premieres[:LIGNES_AVANT_ENTETE]):
        if regles.est_entete(cellules):
            return i
    return None


def meilleure_entete(premieres: list[list[object]], regles: Regles) -> int | None:
    """When no row is a header: the row that names the most columns (the first non-empty one
    when none names any), for a message saying what is missing."""
    candidates = [
        (len(regles.colonnes(c)), -i)
        for i, c in enumerate(premieres[:LIGNES_AVANT_ENTETE])
        if any(x not in (None, "") for x in c)
    ]
    return -max(candidates)[1] if candidates else None


VRAI = frozenset({"oui", "o", "1", "x", "vrai", "true", "yes", "y"})
FAUX = frozenset({"", "non", "n", "0", "faux", "false", "no"})


def delegue(valeur: object) -> bool:
    """The délégué cell: oui/non, 1/0, x or empty (and booleans from XLSX or JSON)."""
    if isinstance(valeur, bool):
        return valeur
    if valeur is None:
        return False
    if isinstance(valeur, (int, float)) and valeur in (0, 1):
        return bool(valeur)
    texte = str(valeur).strip().casefold()
    if texte in VRAI:
        return True
    if texte in FAUX:
        return False
    raise DonneeInvalide(
        f"Administrateur délégué : « {str(valeur)[:20]} » (oui/non, O/N, 1/0, x ou vide).",
        champ="administrateur_delegue",
    )


def texte_de_cellule(valeur: object) -> str | None:
    """A cell as text: numbers from XLSX without ``.0``, a leading apostrophe that a
    spreadsheet puts before ``=``, ``+``, ``-``, ``@`` to keep them as text is removed."""
    if valeur is None:
        return None
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    texte = str(valeur)
    if len(texte) > 1 and texte[0] == "'" and texte[1] in "=+-@":
        texte = texte[1:]
    texte = texte.strip()
    return texte or None


def neutraliser(cellule: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (CSV
    injection); the importer removes it again."""
    if isinstance(cellule, str) and cellule[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cellule
    return cellule
