"""Options shared by several commands."""

from typing import Annotated

import typer

from cpfadmin.cli import completion
from cpfadmin.cli.libelles import colonnes
from cpfadmin.domain.champs import CHAMPS

# Values asked at a terminal when missing cannot be Click-required (``required=True`` would
# refuse before the prompt): the mark is in their help, worded as Typer marks the others.
OBLIGATOIRE = r"demandé à un terminal s'il manque. \[obligatoire]"
UN_TELEPHONE = "au moins un des deux téléphones"

# --force of a command that writes the file named by --fichier (never over it otherwise).
ForceFichier = Annotated[
    bool, typer.Option("--force", help="Remplacer le fichier de --fichier s'il existe.")
]

Organisme = Annotated[
    str | None,
    typer.Option(
        "--organisme", help="SIRET de l'organisme (par défaut : le vôtre).", show_default=False
    ),
]
FiltreUnite = Annotated[
    str | None,
    typer.Option(
        "--unite",
        help="Seulement cette unité.",
        show_default=False,
        autocompletion=completion.unites,
    ),
]
Oui = Annotated[
    bool,
    typer.Option(
        "--yes",
        "-y",
        help="Confirmer d'avance, sans question (obligatoire sans terminal ou avec --no-input).",
    ),
]
Identifiant = Annotated[
    str, typer.Argument(help="Identifiant du compte (8 caractères).", show_default=False)
]

# Labels from the one table of ``libelles``: add, update, show, suspend… read the same.
COLONNES_COMPTE = colonnes(
    "identifiant",
    *(c.nom for c in CHAMPS if c.nom != "administrateur_delegue"),  # the rôle says it
    "role",
    "statut",
)

# The list as a table keeps what fits a terminal; JSON and CSV carry every field.
COLONNES_LISTE = colonnes("identifiant", "nom", "prenom", "email", "unite", "role", "statut")
