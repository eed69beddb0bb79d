"""Exit codes (SPEC §5) and the one table that maps the error tree to them: the command line
exits with them, the server puts them in its error bodies (SPEC §8)."""

from __future__ import annotations

from enum import IntEnum

from cpfadmin.domain import errors as e


class CodeSortie(IntEnum):
    SUCCES = 0
    ERREUR_INATTENDUE = 1
    USAGE = 2
    AUTHENTIFICATION = 3
    INTERDIT = 4
    INTROUVABLE = 5
    CONFLIT = 6
    DONNEE_INVALIDE = 7
    INDISPONIBLE = 8
    INTERROMPU = 130


# Most specific first; the first family an error belongs to gives its exit code.
TABLE: tuple[tuple[type[e.ErreurCpf], CodeSortie], ...] = (
    (e.SaisieRequise, CodeSortie.USAGE),
    (e.ErreurAuthentification, CodeSortie.AUTHENTIFICATION),
    (e.AccesRefuse, CodeSortie.INTERDIT),
    (e.Introuvable, CodeSortie.INTROUVABLE),
    (e.Conflit, CodeSortie.CONFLIT),
    (e.DonneeInvalide, CodeSortie.DONNEE_INVALIDE),
    (e.StockageIndisponible, CodeSortie.INDISPONIBLE),
)


def code_pour(erreur: e.ErreurCpf) -> CodeSortie:
    for famille, code in TABLE:
        if isinstance(erreur, famille):
            return code
    return CodeSortie.ERREUR_INATTENDUE
