"""What a front end calls (STYLE.md): one object per command group, each method a use case that
takes the session token and plain arguments, returns plain, serialisable results (the French
snake_case dicts of SPEC §5) and raises the domain's errors.

``Application`` is the local implementation: it owns the profile, the store and its schema,
the unit of work and its retries, authentication from the token, mail delivery after a change,
the import's passes and the login's head start. The command line calls only this; a server
wraps it, and a remote implementation with the same groups speaks HTTP to that server.

Importing this package is light: each use case imports the store layer when it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from cpfadmin.application.noyau import Noyau, _rien

if TYPE_CHECKING:
    from cpfadmin.adapters.jetons import CoffreJetons
    from cpfadmin.application.audit import Audit
    from cpfadmin.application.base import Base
    from cpfadmin.application.cgu import Cgu
    from cpfadmin.application.connexion import Connexion
    from cpfadmin.application.courrier import Courrier
    from cpfadmin.application.distante import ApplicationDistante
    from cpfadmin.application.gestionnaires import Gestionnaires
    from cpfadmin.application.importation import Importation
    from cpfadmin.application.moi import Moi
    from cpfadmin.application.mots_de_passe import MotsDePasse
    from cpfadmin.application.organismes import Organismes
    from cpfadmin.application.politique import Politique
    from cpfadmin.application.unites import Unites
    from cpfadmin.config import Profil
    from cpfadmin.domain.errors import Texte


def ouvrir(
    profil_nom: str | None = None,
    url_base: str | None = None,
    url_serveur: str | None = None,
    *,
    avertir: Callable[[Texte], None] = _rien,
    annoncer_attente: Callable[[str], None] | None = None,
) -> Application | ApplicationDistante:
    """The application a front end acts through: the remote one when ``url_serveur``
    (``--server``, ``CPFADMIN_SERVER``) or the profile's ``server`` names a cpfadmin server —
    unless ``url_base`` (``--db``) names a store, which means local — else the local one."""
    if url_serveur and url_base:
        from cpfadmin.domain.errors import DonneeInvalide, Option

        raise DonneeInvalide(
            (Option("server"), " et ", Option("db"), " s'excluent : un serveur, ou une base."),
            champ="server",
        )
    if url_base is None:
        from cpfadmin.config import charger_profil

        profil = charger_profil(profil_nom)
        serveur = url_serveur or profil.serveur
        if serveur:
            from cpfadmin.application.distante import ApplicationDistante

            for avertissement in profil.avertissements:
                avertir(avertissement)
            return ApplicationDistante(profil, serveur, avertir=avertir)
    return Application(profil_nom, url_base, avertir=avertir, annoncer_attente=annoncer_attente)


class Application:
    """The local application, for one profile (``profil_nom``, or the default) and optionally
    another store (``url_base``). ``avertir`` hears the warnings meant for the person;
    ``annoncer_attente`` that the store is slow to answer; without ``politiques_en_cache`` (a
    server), the store's policy is read at each use case."""

    def __init__(
        self,
        profil_nom: str | None = None,
        url_base: str | None = None,
        *,
        avertir: Callable[[Texte], None] = _rien,
        annoncer_attente: Callable[[str], None] | None = None,
        politiques_en_cache: bool = True,
    ) -> None:
        self._noyau = Noyau(
            profil_nom, url_base, avertir=avertir, annoncer_attente=annoncer_attente
        )
        # A server lives on: it reads the store's policy at each use case, and checks a pooled
        # connection before using it (the store may have closed it since: a restart, a
        # failover, an administrator).
        self._noyau.politiques_en_cache = politiques_en_cache
        self._noyau.verifier_connexions = not politiques_en_cache

    # --- the profile and its tokens ------------------------------------------------------------
    @property
    def profil(self) -> Profil:
        return self._noyau.profil

    def base_affichee(self) -> str:
        """The store's URL, its password hidden."""
        return self._noyau.base_affichee()

    def jetons(self) -> CoffreJetons:
        """Where this profile keeps the session tokens of its accounts."""
        return self._noyau.coffre()

    # --- the command groups ------------------------------------------------------------------
    @cached_property
    def connexion(self) -> Connexion:
        from cpfadmin.application.connexion import Connexion

        return Connexion(self._noyau)

    @cached_property
    def moi(self) -> Moi:
        from cpfadmin.application.moi import Moi

        return Moi(self._noyau)

    @cached_property
    def organismes(self) -> Organismes:
        from cpfadmin.application.organismes import Organismes

        return Organismes(self._noyau)

    @cached_property
    def gestionnaires(self) -> Gestionnaires:
        from cpfadmin.application.gestionnaires import Gestionnaires

        return Gestionnaires(self._noyau)

    @cached_property
    def importation(self) -> Importation:
        from cpfadmin.application.importation import Importation

        return Importation(self._noyau)

    @cached_property
    def unites(self) -> Unites:
        from cpfadmin.application.unites import Unites

        return Unites(self._noyau)

    @cached_property
    def mots_de_passe(self) -> MotsDePasse:
        from cpfadmin.application.mots_de_passe import MotsDePasse

        return MotsDePasse(self._noyau)

    @cached_property
    def audit(self) -> Audit:
        from cpfadmin.application.audit import Audit

        return Audit(self._noyau)

    @cached_property
    def courrier(self) -> Courrier:
        from cpfadmin.application.courrier import Courrier

        return Courrier(self._noyau)

    @cached_property
    def cgu(self) -> Cgu:
        from cpfadmin.application.cgu import Cgu

        return Cgu(self._noyau)

    @cached_property
    def politique(self) -> Politique:
        from cpfadmin.application.politique import Politique

        return Politique(self._noyau)

    @cached_property
    def base(self) -> Base:
        from cpfadmin.application.base import Base

        return Base(self._noyau)
