"""``cpfadmin cgu``."""

from pathlib import Path
from typing import Annotated

import typer

from cpfadmin.cli.context import contexte
from cpfadmin.cli.libelles import colonnes

app = typer.Typer(
    help="Conditions générales d'utilisation (opérateurs).\n\n"
    "Exemple : cpfadmin cgu publish cgu-2.0.txt --version 2.0",
    no_args_is_help=True,
)


@app.command("publish")
def publier(
    fichier: Annotated[
        Path,
        typer.Argument(
            help="Texte des CGU (UTF-8) ; « - » pour l'entrée standard.", show_default=False
        ),
    ],
    version: Annotated[str, typer.Option(help="Numéro de version, unique.", show_default=False)],
) -> None:
    """Publier une nouvelle version des CGU : chacun l'acceptera à sa prochaine connexion.

    Exemple : cpfadmin cgu publish cgu-2.0.txt --version 2.0
    """
    import sys

    from cpfadmin.domain.errors import DonneeInvalide, raison_systeme

    ctx = contexte()
    jeton = ctx.session()
    try:
        texte = sys.stdin.read() if str(fichier) == "-" else fichier.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DonneeInvalide(f"Fichier introuvable : {fichier}", champ="fichier") from None
    except UnicodeDecodeError:
        raise DonneeInvalide(f"Le fichier {fichier} n'est pas en UTF-8.", champ="fichier") from None
    except OSError as e:
        raise DonneeInvalide(
            f"Lecture impossible de {fichier} : {raison_systeme(e)}", champ="fichier"
        ) from None
    vue = ctx.app.cgu.publier(jeton, texte, version)
    ctx.afficher(vue, colonnes=colonnes("version", "publiee_le"))
    ctx.info("Chaque compte devra accepter cette version à sa prochaine connexion.")
