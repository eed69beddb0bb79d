"""The local application's core: the profile, the store and its schema, the unit of work and its
retries, the policy, authentication from a session token, and mail delivery after a change.
Every command group of the application shares one ``Noyau``; a front end never sees it.

Heavy modules (SQLAlchemy, the models, the mail adapters) are imported only when a use case
needs them, so that ``--help`` and the light commands start fast.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from cpfadmin.adapters.jetons import CoffreJetons
    from cpfadmin.config import Profil
    from cpfadmin.domain.errors import Texte
    from cpfadmin.domain.politique import Politiques
    from cpfadmin.services.acteur import Acteur
    from cpfadmin.services.courrier import RapportLivraison
    from cpfadmin.store.uow import UniteDeTravail

T = TypeVar("T")

# One request of a server: what the application may keep for its duration only (the policy,
# read once per request rather than once per step of it). A front end sets a fresh dict per
# request (``portee_requete.set({})``); outside any, nothing is kept.
portee_requete: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "cpfadmin_portee_requete", default=None
)


def _rien(_message: Texte) -> None:
    return None


class Noyau:
    """What every use case of the local application stands on.

    ``avertir`` hears the warnings meant for the person (a profile's ignored key, a message
    left queued, a transport that breaks the two channels); ``annoncer_attente`` hears that a
    connection is slow (a front end gives it only to a person at a terminal)."""

    def __init__(
        self,
        profil_nom: str | None = None,
        url_base: str | None = None,
        *,
        avertir: Callable[[Texte], None] = _rien,
        annoncer_attente: Callable[[str], None] | None = None,
    ) -> None:
        self.profil_nom = profil_nom
        self.url_base = url_base
        self.avertir = avertir
        self.annoncer_attente = annoncer_attente
        self._profil: Profil | None = None
        self._moteur: Any = None
        self._politiques: Politiques | None = None
        self._transport_annonce = False
        # A command reads the policy once; a server, which lives on, reads it at each use case
        # so that an operator's ``politique set`` applies at once on every instance.
        self.politiques_en_cache = True
        self.verifier_connexions = False  # pool_pre_ping, for a process that lives on

    # --- profile and store -------------------------------------------------------------------
    @property
    def profil(self) -> Profil:
        if self._profil is None:
            from cpfadmin.config import charger_profil

            self._profil = charger_profil(self.profil_nom, self.url_base)
            for avertissement in self._profil.avertissements:
                self.avertir(avertissement)
        return self._profil

    def base_affichee(self) -> str:
        """The store's URL without its password, as every message names it."""
        from cpfadmin.store.engine import masquer

        return masquer(self.profil.url_base)

    def moteur(self, *, verifier_schema: bool = True, creer: bool = False) -> Any:
        """The store's engine; by default, checks that the store exists and is at head."""
        if self._moteur is None:
            from cpfadmin.domain.errors import BaseNonInitialisee, Commande
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
                        f"Aucune base à l'emplacement {fichier}.", suggestion=Commande("init")
                    )
            self._moteur = creer_moteur(
                url,
                delai_connexion=self.profil.connect_timeout_seconds,
                annoncer_attente=self.annoncer_attente,
                verifier_connexions=self.verifier_connexions,
            )
            if verifier_schema:
                from cpfadmin.store.migrate import exiger_a_jour

                self.proteger(lambda: exiger_a_jour(self._moteur))
        return self._moteur

    def base_partagee(self) -> bool:
        """Whether others reach this store too (PostgreSQL), as opposed to one person's file."""
        return bool(self.moteur().dialect.name != "sqlite")

    def proteger(self, fonction: Callable[[], T]) -> T:
        """Connection failures outside a unit of work become ``StockageIndisponible`` (exit 8)."""
        from sqlalchemy.exc import DBAPIError

        from cpfadmin.domain.errors import StockageIndisponible
        from cpfadmin.store.engine import raison_pilote

        try:
            return fonction()
        except DBAPIError as e:
            raise StockageIndisponible(
                f"Base de données indisponible ({self.base_affichee()}) : {raison_pilote(e)}"
            ) from e

    def fabrique(
        self, *, lecture: bool = False, echeance: bool = True
    ) -> Callable[[], UniteDeTravail]:
        """Units of work on the store; inside a server request they keep its time limit
        (``portee_requete``'s ``echeance``) unless ``echeance=False`` — the delivery of what
        already committed."""
        from cpfadmin.store.uow import UniteDeTravail

        moteur = self.moteur()
        portee = portee_requete.get() if echeance else None
        limite = portee.get("echeance") if portee is not None else None
        return lambda: UniteDeTravail(moteur, lecture=lecture, echeance=limite)

    def executer(self, travail: Callable[[UniteDeTravail], T], *, lecture: bool = False) -> T:
        """``travail`` in one unit of work, retried on a serialisation conflict."""
        from cpfadmin.store.uow import executer

        fabrique = self.fabrique(lecture=lecture)
        return self.proteger(lambda: executer(fabrique, travail))

    def politiques(self) -> Politiques:
        """The security policy in force: the store's (SPEC §4), read once per application."""
        if self.politiques_en_cache and self._politiques is not None:
            return self._politiques
        portee = portee_requete.get()
        if portee is not None and "politiques" in portee:
            return portee["politiques"]  # type: ignore[no-any-return]
        from cpfadmin.services import politique

        lues = self.executer(politique.lire, lecture=True)
        if self.politiques_en_cache:
            self._politiques = lues
        elif portee is not None:
            portee["politiques"] = lues
        return lues

    @property
    def url_portail(self) -> str:
        return self.profil.courrier.portal_url

    # --- tokens and authentication -------------------------------------------------------------
    def coffre(self) -> CoffreJetons:
        """Where this profile keeps its session tokens (keyring, or a private file)."""
        from cpfadmin.adapters.jetons import CoffreJetons
        from cpfadmin.config import chemins

        return CoffreJetons(
            chemins().donnees,
            self.profil.nom,
            delai=self.profil.reglages.keyring_timeout_seconds,
            avertir=self.avertir,
        )

    def authentifier(self, jeton: str | None) -> Acteur:
        """The account acting with the session token ``jeton``, by the session rules of SPEC §3;
        raises ``NonConnecte``, ``SessionExpiree``… otherwise."""
        from cpfadmin.services import auth

        politiques = self.politiques()
        return self.executer(lambda uow: auth.authentifier(uow, jeton, politiques))

    # --- mail --------------------------------------------------------------------------------
    def transport(self) -> Any:
        """The profile's mail transport, if this store admits it (``courrier.admettre_transport``:
        raises ``TransportNonAdmis``); the warning it calls for is given once."""
        from cpfadmin.adapters.mail import depuis_configuration
        from cpfadmin.config import chemins
        from cpfadmin.services import courrier

        avertissement = courrier.admettre_transport(
            self.profil.courrier.transport, self.base_partagee(), self.politiques()
        )
        if avertissement and not self._transport_annonce:
            self._transport_annonce = True
            self.avertir(avertissement)
        return depuis_configuration(self.profil.courrier, chemins().courrier)

    def livrer(
        self,
        acteur: Acteur,
        *,
        avertir: bool = True,
        exiger: bool = False,
        compte_id: int | None = None,
        essais_immediats: int = 1,
        progression: Callable[[int], None] | None = None,
    ) -> RapportLivraison:
        """Deliver the due messages right after a change committed (SPEC §4): an operator's
        change delivers every due message, an administrator's those of its organisme, and with
        ``compte_id`` only that account's (a gestionnaire's own notices). A failure is a
        warning: the change is saved and the message stays queued — and so is a transport the
        store does not admit, unless ``exiger`` (``outbox send``) makes it the error."""
        from cpfadmin.domain.errors import Commande, TransportNonAdmis
        from cpfadmin.services import courrier

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
                self.fabrique(echeance=False),
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
                (
                    f"message à {destinataire} non remis ({erreur}) ; {rapport.restants} "
                    "message(s) restent en file et seront renvoyés par « ",
                    Commande("outbox send"),
                    " ».",
                )
            )
        return rapport


class Groupe:
    """A command group of the local application: its use cases stand on the shared core."""

    def __init__(self, noyau: Noyau) -> None:
        self._noyau = noyau

    def _lire(self, jeton: str | None, travail: Callable[[UniteDeTravail, Acteur], T]) -> T:
        """A read-only use case, as the account of ``jeton``."""
        acteur = self._noyau.authentifier(jeton)
        return self._noyau.executer(lambda uow: travail(uow, acteur), lecture=True)

    def _changer(self, jeton: str | None, travail: Callable[[UniteDeTravail, Acteur], T]) -> T:
        """A use case that writes, as the account of ``jeton``; its audit and messages commit
        with it."""
        acteur = self._noyau.authentifier(jeton)
        return self._noyau.executer(lambda uow: travail(uow, acteur))
