"""Shell completion of option values (``autocompletion=`` of Typer): the fixed vocabularies
(types, niveaux, rôles, statuts, audit actions) and the organisme's unités, read through the
logged-in session. Nothing heavy at import: ``--help`` stays fast."""

from collections.abc import Callable, Iterable
from typing import Any


def _filtrer(valeurs: Iterable[str], incomplete: str) -> list[str]:
    from cpfadmin.domain.validation import replier

    debut = replier(incomplete or "")
    return [v for v in valeurs if replier(v).startswith(debut)]


def _valeurs(source: Callable[[], Iterable[str]]) -> Callable[[str], list[str]]:
    def completer(incomplete: str) -> list[str]:
        try:
            return _filtrer(source(), incomplete)
        except Exception:  # completion never shows a trace in the shell
            return []

    return completer


def _types() -> list[str]:
    from cpfadmin.domain.roles import TypeOrganisme

    return [t.value for t in TypeOrganisme if t is not TypeOrganisme.CDC]


def _niveaux() -> list[str]:
    from cpfadmin.domain.roles import Niveau

    return [n.value for n in Niveau]


def _roles() -> list[str]:
    from cpfadmin.domain.roles import Role

    return [r.value for r in Role]


def _statuts_compte() -> list[str]:
    from cpfadmin.domain.roles import StatutCompte

    return [s.value for s in StatutCompte]


def _statuts_organisme() -> list[str]:
    from cpfadmin.domain.roles import StatutOrganisme

    return [s.value for s in StatutOrganisme]


def _statuts_message() -> list[str]:
    from cpfadmin.domain.messages import STATUTS_MESSAGE

    return list(STATUTS_MESSAGE)


def _actions() -> list[str]:
    from cpfadmin.domain.audit import ACTIONS

    return list(ACTIONS)


types = _valeurs(_types)
niveaux = _valeurs(_niveaux)
roles = _valeurs(_roles)
statuts_compte = _valeurs(_statuts_compte)
statuts_organisme = _valeurs(_statuts_organisme)
statuts_message = _valeurs(_statuts_message)
actions = _valeurs(_actions)


def unites(ctx: Any, incomplete: str) -> list[str]:
    """The unités of the organisme named by ``--organisme`` (or the user's own), for the
    logged-in account; nothing at all when not logged in or on any failure."""
    try:
        from cpfadmin.cli.context import Contexte

        racine = ctx.find_root()
        courant = Contexte(
            profil_nom=racine.params.get("profile"),
            url_base=racine.params.get("db_url"),
            sans_saisie=True,
        )
        lignes = courant.app.unites.lister(courant.session(), organisme=ctx.params.get("organisme"))
        return _filtrer([ligne["libelle"] for ligne in lignes], incomplete)
    except Exception:  # typer.Exit included: completion stays silent
        import os

        if os.environ.get("CPFADMIN_DEBUG"):
            import traceback

            traceback.print_exc()
        return []
