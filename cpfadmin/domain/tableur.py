"""The columns of a bulk import and of an export (SPEC §6), and how headers and cells typed in
a spreadsheet are read: headers without regard to case, accents, spaces, underscores or
hyphens; the délégué column as oui/non, 1/0, x/empty."""

from __future__ import annotations

import unicodedata

from cpfadmin.domain.errors import DonneeInvalide

COLONNES_IMPORT = (
    "nom",
    "prenom",
    "email",
    "telephone_fixe",
    "telephone_mobile",
    "unite",
    "niveau_habilitation",
    "administrateur_delegue",
)
OBLIGATOIRES = ("nom", "prenom", "email")
# An export adds these; an import reads past them, so that an export re-imports.
COLONNES_EXPORT_SEULEMENT = ("identifiant", "role", "statut")
COLONNES_EXPORT = ("identifiant", *COLONNES_IMPORT, "role", "statut")

_ALIAS = {
    "nom": ("nom", "nomdefamille", "nomdusage"),
    "prenom": ("prenom",),
    "email": ("email", "mail", "courriel", "adresseemail", "adressemail", "adressecourriel"),
    "telephone_fixe": ("telephonefixe", "telfixe", "fixe", "telephone"),
    "telephone_mobile": ("telephonemobile", "telmobile", "mobile", "portable", "telportable"),
    "unite": ("unite", "service"),
    "niveau_habilitation": ("niveauhabilitation", "niveaudhabilitation", "niveau"),
    "administrateur_delegue": ("administrateurdelegue", "delegue", "admindelegue"),
    "identifiant": ("identifiant",),
    "role": ("role",),
    "statut": ("statut",),
}
_PAR_FORME = {forme: colonne for colonne, formes in _ALIAS.items() for forme in formes}


def forme_entete(entete: str) -> str:
    """``"Téléphone mobile"``, ``"TELEPHONE_MOBILE"`` and ``"telephone-mobile"`` are one."""
    decompose = unicodedata.normalize("NFKD", entete.strip().casefold())
    return "".join(c for c in decompose if c.isalnum() and not unicodedata.combining(c))


def colonne_de(entete: str) -> str | None:
    """The canonical column of a header, or None when it names none."""
    return _PAR_FORME.get(forme_entete(entete))


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
        f"administrateur_delegue : « {str(valeur)[:20]} » (oui/non, 1/0, x ou vide).",
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
