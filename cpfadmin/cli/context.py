"""What every command shares: the global options, and lazily the profile, the store, the token
store and the acting account. Heavy modules are imported here only when a command needs them."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from cpfadmin.adapters.tokens import CoffreJetons
    from cpfadmin.config import Profil
    from cpfadmin.domain.politique import Politiques
    from cpfadmin.services.acteur import Acteur
    from cpfadmin.store.uow import UniteDeTravail

T = TypeVar("T")


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
    sortie: str = "table"
    sans_saisie: bool = False
    sans_pager: bool = False
    debug: bool = False
    _profil: Profil | None = field(default=None, repr=False)
    _moteur: Any = field(default=None, repr=False)
    _acteur: Acteur | None = field(default=None, repr=False)
    _politiques: Politiques | None = field(default=None, repr=False)
    _transport_annonce: bool = field(default=False, repr=False)

    # --- messages ----------------------------------------------------------------------------
    def info(self, message: str) -> None:
        """A message for the person at the terminal (stderr, never in the way of data)."""
        if self.sortie == "json":
            return
        _ecrire_erreur(message)

    def avertir(self, message: str) -> None:
        """A warning on stderr: a line of text, or with ``-o json`` one JSON object
        ``{"avertissement": {"message": …}}`` per line, like errors."""
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

    # --- profile and store ---------------------------------------------------------------------
    @property
    def profil(self) -> Profil:
        if self._profil is None:
            from cpfadmin.config import charger_profil

            self._profil = charger_profil(self.profil_nom, self.url_base)
            for avertissement in self._profil.avertissements:
                self.avertir(avertissement)
        return self._profil

    def politiques(self) -> Politiques:
        """The security policy in force: the store's (SPEC §4), read once per command."""
        if self._politiques is None:
            from cpfadmin.services import politique

            self._politiques = self.executer(politique.lire, lecture=True)
        return self._politiques

    def moteur(self, *, verifier_schema: bool = True, creer: bool = False) -> Any:
        """The store's engine; by default, checks that the store exists and is at head."""
        if self._moteur is None:
            from cpfadmin.domain.errors import BaseNonInitialisee
            from cpfadmin.store.engine import creer_moteur, fichier_sqlite

            url = self.profil.url_base
            fichier = fichier_sqlite(url)
            if fichier is not None:
                if creer:
                    if not fichier.parent.exists():
                        # The data directory holds the store and the outgoing mail: its owner's.
                        fichier.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                        fichier.parent.chmod(0o700)
                elif not fichier.exists():
                    raise BaseNonInitialisee(
                        f"Aucune base à l'emplacement {fichier}.",
                        suggestion="cpfadmin init",
                    )
            self._moteur = creer_moteur(
                url,
                delai_connexion=self.profil.connect_timeout_seconds,
                annoncer_attente=self._annoncer_attente(),
            )
            if verifier_schema:
                from cpfadmin.store.migrate import exiger_a_jour

                self.proteger(lambda: exiger_a_jour(self._moteur))
        return self._moteur

    def _annoncer_attente(self) -> Callable[[str], None] | None:
        """Who hears that a connection is slow: a person at a terminal, never a script."""
        if self.sortie == "json" or not sys.stderr.isatty():
            return None
        return _ecrire_erreur

    def proteger(self, fonction: Callable[[], T]) -> T:
        """Connection failures outside a unit of work become a one-line exit 8."""
        from sqlalchemy.exc import DBAPIError

        from cpfadmin.domain.errors import StockageIndisponible
        from cpfadmin.store.engine import masquer, raison_pilote

        try:
            return fonction()
        except DBAPIError as e:
            raise StockageIndisponible(
                f"Base de données indisponible ({masquer(self.profil.url_base)}) : "
                f"{raison_pilote(e)}"
            ) from e

    def fabrique(self, *, lecture: bool = False) -> Callable[[], UniteDeTravail]:
        from cpfadmin.store.uow import UniteDeTravail

        moteur = self.moteur()
        return lambda: UniteDeTravail(moteur, lecture=lecture)

    def executer(self, travail: Callable[[UniteDeTravail], T], *, lecture: bool = False) -> T:
        from cpfadmin.store.uow import executer

        fabrique = self.fabrique(lecture=lecture)
        return self.proteger(lambda: executer(fabrique, travail))

    # --- session -----------------------------------------------------------------------------
    def coffre(self) -> CoffreJetons:
        from cpfadmin.adapters.tokens import CoffreJetons
        from cpfadmin.config import chemins

        return CoffreJetons(
            chemins().donnees,
            self.profil.nom,
            delai=self.profil.reglages.keyring_timeout_seconds,
            avertir=self.avertir,
        )

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

    def transport(self) -> Any:
        """The profile's mail transport, if this store admits it (``courrier.admettre_transport``:
        raises ``TransportNonAdmis``); the warning it calls for is given once per command."""
        from cpfadmin.adapters.mail import depuis_configuration
        from cpfadmin.config import chemins
        from cpfadmin.services import courrier

        avertissement = courrier.admettre_transport(
            self.profil.courrier.transport,
            self.moteur().dialect.name != "sqlite",
            self.politiques(),
        )
        if avertissement and not self._transport_annonce:
            self._transport_annonce = True
            self.avertir(avertissement)
        return depuis_configuration(self.profil.courrier, chemins().courrier)

    def livrer(
        self,
        acteur: Acteur | None = None,
        *,
        avertir: bool = True,
        exiger: bool = False,
        compte_id: int | None = None,
        essais_immediats: int = 1,
        progression: Callable[[int], None] | None = None,
    ) -> Any:
        """Deliver the due messages right after a command committed (SPEC §4): an operator's
        command delivers every due message, an administrator's those of its organisme, and with
        ``compte_id`` only that account's (a gestionnaire's own notices). A failure is a
        warning: the change is saved and the message stays queued — and so is a transport the
        store does not admit, unless ``exiger`` (``outbox send``) makes it the error."""
        from cpfadmin.domain.errors import TransportNonAdmis
        from cpfadmin.services import courrier

        acteur = acteur or self.acteur()
        try:
            transport = self.transport()
        except TransportNonAdmis as refus:
            if exiger:
                raise
            self.avertir(f"messages non remis. {refus.message}")
            return courrier.RapportLivraison()
        # One's own messages (``compte_id``) need no right on the outbox: a gestionnaire's
        # notice is delivered by his own command.
        perimetre = None if compte_id is not None else courrier.perimetre(acteur)
        rapport = self.proteger(
            lambda: courrier.livrer(
                self.fabrique(),
                transport,
                self.profil.courrier.sender,
                organisme_id=perimetre,
                compte_id=compte_id,
                essais_immediats=essais_immediats,
                progression=progression,
            )
        )
        if rapport.echecs and avertir:
            _, destinataire, erreur = rapport.echecs[0]
            self.avertir(
                f"message à {destinataire} non remis ({erreur}) ; {rapport.restants} message(s) "
                "restent en file et seront renvoyés par « cpfadmin outbox send »."
            )
        return rapport

    def acteur(self) -> Acteur:
        if self._acteur is None:
            from cpfadmin.services import auth

            jeton, _ = self.jeton()
            if jeton is None:
                self._aucune_session_active()
            politiques = self.politiques()
            self._acteur = self.executer(lambda uow: auth.authentifier(uow, jeton, politiques))
        return self._acteur

    def _aucune_session_active(self) -> None:
        """No active session but others kept on the profile (the active one logged out): say
        which, and how to choose one, like ``gh auth switch``."""
        from cpfadmin.domain.errors import NonConnecte

        autres = [s.identifiant for s in self.coffre().sessions()]
        if autres:
            raise NonConnecte(
                f"Aucune session active sur le profil {self.profil.nom} ; sessions conservées : "
                f"{', '.join(autres)}.",
                suggestion=f"cpfadmin session switch {autres[0]} (ou cpfadmin login)",
            )


_courant = Contexte()


def contexte() -> Contexte:
    return _courant


def reinitialiser(**valeurs: Any) -> Contexte:
    global _courant
    _courant = Contexte(**valeurs)
    return _courant
