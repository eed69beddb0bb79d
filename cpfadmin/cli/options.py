"""Options shared by several commands."""

from typing import Annotated

import typer

from cpfadmin.cli import completion

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
Identifiant = Annotated[
    str, typer.Argument(help="Identifiant du compte (8 caractères).", show_default=False)
]

COLONNES_COMPTE = [
    ("identifiant", "Identifiant"),
    ("nom", "Nom"),
    ("prenom", "Prénom"),
    ("email", "E-mail"),
    ("telephone_fixe", "Téléphone fixe"),
    ("telephone_mobile", "Téléphone mobile"),
    ("unite", "Unité"),
    ("niveau_habilitation", "Niveau"),
    ("role", "Rôle"),
    ("statut", "Statut"),
]

# The list as a table keeps what fits a terminal; JSON and CSV carry every field.
COLONNES_LISTE = [
    ("identifiant", "Identifiant"),
    ("nom", "Nom"),
    ("prenom", "Prénom"),
    ("email", "E-mail"),
    ("unite", "Unité"),
    ("role", "Rôle"),
    ("statut", "Statut"),
]
