"""What every command shares: the global options, the messages on stderr, the rendering, and
lazily the application (``cpfadmin.application``) and the session token the command acts
with. Nothing here builds a use case: commands call the application."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cpfadmin.domain.errors import ErreurCpf, Texte

if TYPE_CHECKING:
    from cpfadmin.application import Application
    from cpfadmin.application.distante import ApplicationDistante
    from cpfadmin.application.noyau import CoffreJetons, Profil


def _console_erreur():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True, highlight=False)


def _ecrire_erreur(message: str, *, prefixe: str = "", style: str | None = None) -> None:
    """One message line on stderr: styled by Rich for a person at a colour terminal, written
    as is otherwise (a pipe, a log, NO_COLOR) — without importing Rich, and without reading
    brackets or colons in the message as markup or emoji codes."""
    if sys.stderr.isatty() and not os.environ.get("NO_COLOR"):
        from rich.text import Text

        ligne = Text(prefixe, style=style or "") if prefixe else Text()
        ligne.append(message)
        _console_erreur().print(ligne)
    else:
        sys.stderr.write(f"{prefixe}{message}\n")
        sys.stderr.flush()


@dataclass
class Contexte:
    profil_nom: str | None = None
    url_base: str | None = None
    url_serveur: str | None = None
    sortie: str = "table"
    sans_saisie: bool = False
    sans_pager: bool = False
    debug: bool = False
    _app: Application | ApplicationDistante | None = field(default=None, repr=False)
    _sans_jeton: bool = field(default=False, repr=False)

    # --- messages ----------------------------------------------------------------------------
    def info(self, message: str) -> None:
        """A message for the person at the terminal (stderr, never in the way of data)."""
        if self.sortie == "json":
            return
        _ecrire_erreur(message)

    def avertir(self, message: Texte) -> None:
        """A warning on stderr: a line of text, or with ``-o json`` one JSON object
        ``{"avertissement": {"message": …}}`` per line, like errors; its hints worded as a
        command line says them."""
        from cpfadmin.cli.redaction import texte

        message = texte(message) or ""
        if self.sortie == "json":
            import json

            corps = {"avertissement": {"message": message}}
            sys.stderr.write(json.dumps(corps, ensure_ascii=False) + "\n")
            sys.stderr.flush()
            return
        _ecrire_erreur(message, prefixe="Avertissement : ", style="yellow")

    def afficher(self, donnees: Any, **options: Any) -> None:
        from cpfadmin.cli.output import afficher

        if self.sans_pager:
            options.setdefault("pagination", False)
        afficher(donnees, self.sortie, informer=self.info, **options)

    @property
    def interactif(self) -> bool:
        return not self.sans_saisie and sys.stdin.isatty()

    # --- the application -----------------------------------------------------------------------
    @property
    def app(self) -> Application | ApplicationDistante:
        """The application this command calls, for the profile, store or server of the global
        options (local, or remote through a cpfadmin server); its warnings come out as this
        command's."""
        if self._app is None:
            from cpfadmin.application import ouvrir

            self._app = ouvrir(
                self.profil_nom,
                self.url_base,
                self.url_serveur,
                avertir=self.avertir,
                annoncer_attente=self._annoncer_attente(),
            )
        return self._app

    @property
    def app_locale(self) -> Application:
        """The local application, whatever the profile's server: ``init``, ``db`` and
        ``serve`` act on the store itself."""
        from cpfadmin.application import Application

        if isinstance(self._app, Application):
            return self._app
        if self.url_serveur:
            from cpfadmin.domain.errors import DonneeInvalide, Option

            raise DonneeInvalide(
                (
                    Option("server"),
                    " : cette commande agit sur la base elle-même, pas à travers un serveur.",
                ),
                champ="server",
            )
        self._app = Application(
            self.profil_nom,
            self.url_base,
            avertir=self.avertir,
            annoncer_attente=self._annoncer_attente(),
        )
        return self._app

    @property
    def profil(self) -> Profil:
        return self.app.profil

    def _annoncer_attente(self) -> Callable[[str], None] | None:
        """Who hears that a connection is slow: a person at a terminal, never a script."""
        if self.sortie == "json" or not sys.stderr.isatty():
            return None
        return _ecrire_erreur

    # --- session -----------------------------------------------------------------------------
    def coffre(self) -> CoffreJetons:
        return self.app.jetons()

    def jeton(self) -> tuple[str | None, str]:
        """The session token and where it comes from: ``CPFADMIN_TOKEN`` overrides any stored
        token."""
        depuis_env = os.environ.get("CPFADMIN_TOKEN")
        if depuis_env:
            return depuis_env.strip(), "variable d'environnement CPFADMIN_TOKEN"
        stocke = self.coffre().lire()
        if stocke is None:
            return None, "aucun"
        return stocke.jeton, stocke.emplacement

    def session(self) -> str | None:
        """The token commands act with; None when there is none (the application then says
        « pas connecté », after checking the store, whose absence is the first thing to fix)."""
        jeton, _ = self.jeton()
        self._sans_jeton = jeton is None
        return jeton

    def expliquer(self, erreur: ErreurCpf) -> ErreurCpf:
        """A « pas connecté » for want of a token, with other sessions kept on the profile (the
        active one logged out): say which, and how to choose one, like ``gh auth switch``."""
        from cpfadmin.domain.errors import Commande, NonConnecte

        if not (isinstance(erreur, NonConnecte) and self._sans_jeton):
            return erreur
        try:
            autres = [s.identifiant for s in self.coffre().sessions()]
        except ErreurCpf:
            return erreur
        if not autres:
            return erreur
        return NonConnecte(
            f"Aucune session active sur le profil {self.profil.nom} ; sessions conservées : "
            f"{', '.join(autres)}.",
            suggestion=(Commande("session switch", autres[0]), " (ou ", Commande("login"), ")"),
        )


_courant = Contexte()


def contexte() -> Contexte:
    return _courant


def reinitialiser(**valeurs: Any) -> Contexte:
    global _courant
    _courant = Contexte(**valeurs)
    return _courant
