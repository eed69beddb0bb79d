"""How the command line words the domain's structured hints (``Option``, ``Commande``): an
option as ``--organisme SIRET``, a command as ``cpfadmin outbox send``. Another front end (a
server's error body) words the same hints its own way."""

from __future__ import annotations

import re

from cpfadmin.domain.errors import Commande, ErreurCpf, Option, Saisie, Texte, rediger

# A value that a shell reads as one word as it is; anything else is quoted.
_NU = re.compile(r"[\w.@/:%+=,-]+")


def option(indice: Option) -> str:
    nom = "--" + indice.nom.replace("_", "-")
    return nom if indice.valeur is None else f"{nom} {indice.valeur}"


def _argument(argument: str | Option) -> str:
    if isinstance(argument, Option):
        return option(argument)
    nu = _NU.fullmatch(argument) and not isinstance(argument, Saisie)
    return argument if nu else f'"{argument}"'


def commande(indice: Commande) -> str:
    return " ".join(["cpfadmin", indice.chemin, *map(_argument, indice.arguments)])


def texte(contenu: Texte | None) -> str | None:
    return rediger(contenu, option=option, commande=commande)


def message(erreur: ErreurCpf) -> str:
    return texte(erreur.texte) or erreur.message


def suggestion(erreur: ErreurCpf) -> str | None:
    return texte(erreur.suggestion)
