"""A whole world for permission tests, built through the real services on a real store:

- ``cdc``, created by ``initialiser``, with its first operator ``OP-AP`` (principal admin), a
  delegated operator ``OP-AD`` and a gestionnaire ``G-cdc`` (who is not an operator);
- an employer organisme ``O`` with its principal admin ``AP-O`` (designated by ``OP-AP``), a
  delegated admin ``AD-O`` and a gestionnaire ``G-O``;
- another employer ``O2`` with ``AP-O2``, ``AD-O2`` and ``G-O2``.

Every account logs in for real (temporary password read from the outbox, new password, CGU)
and each actor is the ``Acteur`` that ``auth.authentifier`` returns for its session.
The world also makes fresh targets (accounts, unités, organismes) for the cases that change
state, and takes a fingerprint of the whole store to show a refusal wrote nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from cpfadmin.domain.politique import Politiques
from cpfadmin.domain.roles import Role
from cpfadmin.services import auth, gestionnaires, organismes, unites
from cpfadmin.services.acteur import Acteur
from cpfadmin.services.bootstrap import initialiser
from cpfadmin.store.models import (
    AcceptationCgu,
    Cgu,
    Compte,
    EvenementAudit,
    Message,
    Organisme,
    SessionCompte,
    Unite,
)
from cpfadmin.store.uow import UniteDeTravail
from tests.services.helpers import NOUVEAU_ADMIN, NOUVEAU_GESTIONNAIRE, donnees

URL_PORTAIL = "https://portail.example.fr/connexion"
INSTANT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# The actors, in the order of the expected-answer tables.
ACTEURS = ("OP-AP", "OP-AD", "G-cdc", "AP-O", "AD-O", "G-O", "AP-O2", "AD-O2", "G-O2")


def siret_valide(n: int) -> str:
    """A SIRET with valid SIREN and SIRET Luhn keys, distinct for each ``n``."""
    from stdnum import luhn

    prefixe = f"4{n:07d}"
    siren = prefixe + luhn.calc_check_digit(prefixe)
    corps = siren + "0001"
    return corps + luhn.calc_check_digit(corps)


@dataclass
class Monde:
    moteur: Engine
    politiques: Politiques
    sirets: dict[str, str] = field(default_factory=dict)  # "cdc", "O", "O2" → SIRET
    acteurs: dict[str, Acteur] = field(default_factory=dict)
    _compteur: itertools.count = field(default_factory=lambda: itertools.count(1))

    # --- plumbing ------------------------------------------------------------------------------
    def uow(self, lecture: bool = False) -> UniteDeTravail:
        return UniteDeTravail(self.moteur, lambda: INSTANT, lecture=lecture)

    def executer(self, travail: Callable[[UniteDeTravail], Any]) -> Any:
        with self.uow() as u:
            return travail(u)

    def numero(self) -> int:
        return next(self._compteur)

    def email(self) -> str:
        return f"cible.{self.numero()}@example.fr"

    @property
    def operateur(self) -> Acteur:
        return self.acteurs["OP-AP"]

    # --- fresh targets, made by the first operator ---------------------------------------------
    def nouveau_compte(self, organisme: str, role: Role) -> str:
        """A fresh active account of ``role`` (AD or G) in ``organisme``; its identifiant."""
        assert role is not Role.ADMINISTRATEUR_PRINCIPAL
        cree = self.executer(
            lambda u: gestionnaires.ajouter(
                u,
                self.operateur,
                self.politiques,
                URL_PORTAIL,
                organisme_siret=self.sirets[organisme],
                nom="Cible",
                prenom="Camille",
                email=self.email(),
                telephone_mobile="0612345678",
                delegue=role is Role.ADMINISTRATEUR_DELEGUE,
            )
        )
        return cree.identifiant

    def compte_suspendu(self, organisme: str, role: Role) -> str:
        identifiant = self.nouveau_compte(organisme, role)
        self.executer(lambda u: gestionnaires.suspendre(u, self.operateur, identifiant))
        return identifiant

    def nouvelle_unite(self, organisme: str) -> str:
        libelle = f"Unité {self.numero()}"
        self.executer(
            lambda u: unites.ajouter(
                u, self.operateur, libelle, organisme_siret=self.sirets[organisme]
            )
        )
        return libelle

    def redesigner(self, organisme: str, acteur: str) -> None:
        """Make the actor's account the principal admin of its organisme again (after a case
        designated another one); done by OP-AD, whom a designation never demotes — except for
        the CDC itself, whose principal only its principal designates (the new one, outside
        the cast): there the roles are put back in the store directly."""
        if organisme == "cdc":

            def remettre(u: UniteDeTravail) -> None:
                identifiant = self.acteurs[acteur].identifiant
                comptes = list(
                    u.session.exec(
                        select(Compte).where(
                            Compte.organisme_id == self.acteurs[acteur].habilitation.organisme_id
                        )
                    )
                )
                for compte in comptes:  # one principal per organisme: demote first
                    if compte.role == Role.ADMINISTRATEUR_PRINCIPAL.value:
                        compte.role = Role.ADMINISTRATEUR_DELEGUE.value
                        u.session.add(compte)
                u.session.flush()
                for compte in comptes:
                    if compte.identifiant == identifiant:
                        compte.role = Role.ADMINISTRATEUR_PRINCIPAL.value
                        u.session.add(compte)
                u.commit()

            self.executer(remettre)
            return
        self.executer(
            lambda u: organismes.designer_administrateur(
                u,
                self.acteurs["OP-AD"],
                self.politiques,
                URL_PORTAIL,
                self.sirets[organisme],
                identifiant=self.acteurs[acteur].identifiant,
            )
        )

    # --- reading the store ---------------------------------------------------------------------
    def compte(self, identifiant: str) -> Compte:
        with self.uow(lecture=True) as u:
            compte = u.comptes.par_identifiant(identifiant)
            assert compte is not None
            return compte

    def evenements(self) -> int:
        with self.uow(lecture=True) as u:
            return int(u.session.exec(select(func.count(col(EvenementAudit.seq)))).one())

    def empreinte(self) -> dict[str, Any]:
        """Everything a permission-guarded service may write, to compare before and after."""
        with self.uow(lecture=True) as u:
            s = u.session
            return {
                "comptes": sorted(
                    (c.identifiant, c.nom, c.prenom, c.email, c.role, c.statut, c.unite_id)
                    for c in s.exec(select(Compte))
                ),
                "organismes": sorted(
                    (o.siret, o.raison_sociale, o.statut) for o in s.exec(select(Organisme))
                ),
                "unites": sorted((x.id, x.libelle) for x in s.exec(select(Unite))),
                "cgu": sorted(c.version for c in s.exec(select(Cgu))),
                "compteurs": tuple(
                    s.exec(select(func.count()).select_from(t)).one()
                    for t in (EvenementAudit, Message, SessionCompte, AcceptationCgu)
                ),
            }


# --- building it ---------------------------------------------------------------------------------
def _secret_en_attente(u: UniteDeTravail, identifiant: str) -> str:
    compte = u.comptes.par_identifiant(identifiant)
    assert compte is not None
    secret = u.session.exec(
        select(Message.secret).where(
            Message.compte_id == compte.id,
            Message.statut == "en_attente",
            col(Message.secret).is_not(None),  # not a notice (a lock, a change of address)
        )
    ).one()
    assert secret
    return secret


def _se_connecter(monde: Monde, identifiant: str, temporaire: str, nouveau: str) -> Acteur:
    p = monde.politiques
    with monde.uow() as u:
        defi = auth.commencer_connexion(u, identifiant, temporaire, p)
    with monde.uow() as u:
        session = auth.terminer_connexion(
            u, defi.jeton_etape, p, nouveau_mot_de_passe=nouveau, cgu_acceptee=_version(defi)
        )
    with monde.uow() as u:
        return auth.authentifier(u, session.jeton, p)


def construire(moteur: Engine, politiques: Politiques) -> Monde:
    monde = Monde(moteur, politiques)
    with monde.uow() as u:
        init = initialiser(
            u, donnees("Lefebvre", "Odile", "odile.lefebvre@caissedesdepots.fr"), politiques
        )
    monde.sirets["cdc"] = init.organisme_siret
    monde.acteurs["OP-AP"] = _se_connecter(
        monde, init.identifiant, init.mot_de_passe_temporaire, NOUVEAU_ADMIN
    )
    op = monde.operateur

    for nom, siret, type_ in (
        ("O", siret_valide(1), "employeur_prive"),
        ("O2", siret_valide(2), "employeur_public"),
    ):
        monde.executer(
            lambda u, s=siret, n=nom, t=type_: organismes.ajouter(
                u, op, siret=s, raison_sociale=f"Employeur {n}", type_=t
            )
        )
        monde.sirets[nom] = siret

    identifiants: dict[str, str] = {}
    for organisme in ("O", "O2"):
        designation = monde.executer(
            lambda u, o=organisme: organismes.designer_administrateur(
                u,
                op,
                politiques,
                URL_PORTAIL,
                monde.sirets[o],
                donnees={
                    "nom": "Bernard",
                    "prenom": "Agathe",
                    "email": f"ap.{o.lower()}@example.fr",
                    "telephone_mobile": "0611223344",
                },
            )
        )
        identifiants[f"AP-{organisme}"] = designation.identifiant
    for organisme, suffixe in (("cdc", "cdc"), ("O", "O"), ("O2", "O2")):
        for role, nom in ((Role.ADMINISTRATEUR_DELEGUE, "AD"), (Role.GESTIONNAIRE, "G")):
            cle = (
                ("OP-AD" if nom == "AD" else "G-cdc") if organisme == "cdc" else f"{nom}-{suffixe}"
            )
            cree = monde.executer(
                lambda u, o=organisme, r=role, n=nom: gestionnaires.ajouter(
                    u,
                    op,
                    politiques,
                    URL_PORTAIL,
                    organisme_siret=monde.sirets[o],
                    nom="Petit",
                    prenom="Louis",
                    email=f"{n.lower()}.{o.lower()}@example.fr",
                    telephone_mobile="0622334455",
                    delegue=r is Role.ADMINISTRATEUR_DELEGUE,
                )
            )
            identifiants[cle] = cree.identifiant

    for cle, identifiant in identifiants.items():
        with monde.uow() as u:
            temporaire = _secret_en_attente(u, identifiant)
        nouveau = NOUVEAU_GESTIONNAIRE if cle.startswith("G-") else NOUVEAU_ADMIN
        monde.acteurs[cle] = _se_connecter(monde, identifiant, temporaire, nouveau)

    assert tuple(sorted(monde.acteurs)) == tuple(sorted(ACTEURS))
    return monde


def _version(defi):
    """The CGU version the login shows, accepted as shown."""
    return defi.cgu.version if defi.cgu else None
