"""Queries, grouped by aggregate: organismes, unités, the connection's small tables (CGU,
sessions, policy, login steps). Accounts, the outbox and the audit journal have modules of
their own (``store/comptes.py``, ``store/courrier.py``, ``store/audit.py``). Services ask
these; they never build SQL themselves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from cpfadmin.domain.roles import StatutCompte, TypeOrganisme
from cpfadmin.store.models import (
    AcceptationCgu,
    Cgu,
    Compte,
    EtapeConnexion,
    LimitationSource,
    Organisme,
    ReglePolitique,
    SessionCompte,
    Unite,
)


class Depot:
    """A repository: the queries of one aggregate, over the unit of work's ORM session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def ajouter(self, objet):  # type: ignore[no-untyped-def]
        self.session.add(objet)
        self.session.flush()
        return objet


def motif_contenant(texte: str) -> str:
    """A LIKE pattern finding ``texte`` anywhere, with its ``%`` and ``_`` taken literally
    (to use with ``escape="\\\\"``)."""
    echappe = texte.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{echappe}%"


class Organismes(Depot):
    def par_id(self, organisme_id: int) -> Organisme | None:
        return self.session.get(Organisme, organisme_id)

    def par_siret(self, siret: str, *, verrouiller: bool = False) -> Organisme | None:
        requete = select(Organisme).where(Organisme.siret == siret)
        if verrouiller:
            requete = requete.with_for_update()
        return self.session.exec(requete).first()

    def cdc(self) -> Organisme | None:
        return self.session.exec(
            select(Organisme).where(Organisme.type == TypeOrganisme.CDC.value)
        ).first()

    def lister(
        self, *, type_: str | None = None, statut: str | None = None, recherche: str | None = None
    ) -> list[Organisme]:
        """In name order; ``recherche`` (already lower-case) is looked for in the lower-cased
        raison sociale and in the SIRET."""
        requete = select(Organisme)
        if type_:
            requete = requete.where(Organisme.type == type_)
        if statut:
            requete = requete.where(Organisme.statut == statut)
        if recherche is not None:
            motif = motif_contenant(recherche)
            requete = requete.where(
                func.lower(col(Organisme.raison_sociale)).like(motif, escape="\\")
                | col(Organisme.siret).like(motif, escape="\\")
            )
        return list(self.session.exec(requete.order_by(col(Organisme.raison_sociale))))


class Unites(Depot):
    def par_id(self, unite_id: int) -> Unite | None:
        return self.session.get(Unite, unite_id)

    def par_cle(self, organisme_id: int, libelle_cle: str) -> Unite | None:
        """The unité of the organisme whose casefolded name is ``libelle_cle``."""
        return self.session.exec(
            select(Unite).where(
                Unite.organisme_id == organisme_id, Unite.libelle_cle == libelle_cle
            )
        ).first()

    def de(self, organisme_id: int) -> list[Unite]:
        return list(self.session.exec(select(Unite).where(Unite.organisme_id == organisme_id)))

    def avec_comptes_actifs(self, organisme_id: int) -> list[tuple[Unite, int]]:
        """The unités of the organisme in name order (casefolded), each with its number of
        active accounts, in one query."""
        actifs = (
            select(func.count(col(Compte.id)))
            .where(Compte.unite_id == Unite.id, Compte.statut == StatutCompte.ACTIF.value)
            .scalar_subquery()
        )
        return [
            (unite, n)
            for unite, n in self.session.exec(
                select(Unite, actifs)
                .where(Unite.organisme_id == organisme_id)
                .order_by(col(Unite.libelle_cle))
            )
        ]

    def retirer(self, unite: Unite) -> int:
        """Delete the unité; the accounts that still point to it lose the reference (how many
        is returned)."""
        detaches = self.session.exec(  # type: ignore[call-overload]
            update(Compte).where(col(Compte.unite_id) == unite.id).values(unite_id=None)
        ).rowcount
        self.session.delete(unite)
        return detaches


class Cgus(Depot):
    def par_version(self, version: str) -> Cgu | None:
        return self.session.exec(select(Cgu).where(Cgu.version == version)).first()

    def courante(self) -> Cgu | None:
        return self.session.exec(
            select(Cgu).order_by(col(Cgu.publiee_le).desc(), col(Cgu.id).desc()).limit(1)
        ).first()

    def acceptation(self, compte_id: int, cgu_id: int) -> AcceptationCgu | None:
        return self.session.exec(
            select(AcceptationCgu).where(
                AcceptationCgu.compte_id == compte_id, AcceptationCgu.cgu_id == cgu_id
            )
        ).first()

    def accepter(self, compte_id: int, cgu_id: int, le: datetime) -> AcceptationCgu:
        """Record the acceptance (written with the rest of the transaction)."""
        acceptation = AcceptationCgu(compte_id=compte_id, cgu_id=cgu_id, acceptee_le=le)
        self.session.add(acceptation)
        return acceptation


class Sessions(Depot):
    def par_id(self, session_id: int) -> SessionCompte | None:
        return self.session.get(SessionCompte, session_id)

    def par_condensat(self, condensat: str) -> SessionCompte | None:
        return self.session.exec(
            select(SessionCompte).where(SessionCompte.jeton_condensat == condensat)
        ).first()

    def revoquer_toutes(
        self, compte_id: int, maintenant: datetime, *, sauf: int | None = None
    ) -> int:
        requete = (
            update(SessionCompte)
            .where(
                col(SessionCompte.compte_id) == compte_id,
                col(SessionCompte.revoquee_le).is_(None),
            )
            .values(revoquee_le=maintenant)
        )
        if sauf is not None:
            requete = requete.where(col(SessionCompte.id) != sauf)
        return self.session.exec(requete).rowcount  # type: ignore[call-overload]

    def revoquer_organisme(self, organisme_id: int, maintenant: datetime) -> int:
        """End every open session of every account of the organisme."""
        comptes = select(Compte.id).where(Compte.organisme_id == organisme_id)
        return self.session.exec(  # type: ignore[call-overload]
            update(SessionCompte)
            .where(
                col(SessionCompte.compte_id).in_(comptes),
                col(SessionCompte.revoquee_le).is_(None),
            )
            .values(revoquee_le=maintenant)
        ).rowcount


class Politique(Depot):
    def valeurs(self) -> dict[str, str]:
        return {r.cle: r.valeur for r in self.session.exec(select(ReglePolitique))}

    def regles(self) -> list[ReglePolitique]:
        return list(self.session.exec(select(ReglePolitique).order_by(ReglePolitique.cle)))

    def ecrire(self, cle: str, valeur: str, maintenant: datetime, par: str | None) -> None:
        regle = self.session.get(ReglePolitique, cle, with_for_update=True)
        if regle is None:
            self.session.add(
                ReglePolitique(cle=cle, valeur=valeur, modifie_le=maintenant, modifie_par=par)
            )
        else:
            regle.valeur, regle.modifie_le, regle.modifie_par = valeur, maintenant, par
        self.session.flush()


class EtapesConnexion(Depot):
    def par_condensat(self, condensat: str) -> EtapeConnexion | None:
        return self.session.get(EtapeConnexion, condensat, with_for_update=True)

    def retirer(self, etape: EtapeConnexion) -> None:
        self.session.delete(etape)
        self.session.flush()

    def purger(self, maintenant: datetime) -> None:
        """Forget the steps nobody finished."""
        self.session.execute(
            delete(EtapeConnexion).where(col(EtapeConnexion.expire_le) <= maintenant)
        )


class LimitationsSource(Depot):
    def lire(self, source: str) -> LimitationSource | None:
        return self.session.get(LimitationSource, source)

    def compter_echec(self, source: str, maintenant: datetime, fenetre_debut: datetime) -> int:
        """One more failure from ``source``; a window started before ``fenetre_debut`` starts
        again. Safe between instances: the row is created if need be, then locked."""
        from sqlalchemy.dialects import postgresql, sqlite

        dialecte = self.session.get_bind().dialect.name
        insertion = (postgresql.insert if dialecte == "postgresql" else sqlite.insert)(
            LimitationSource
        )
        self.session.execute(
            insertion.values(source=source, debut=maintenant, echecs=0).on_conflict_do_nothing()
        )
        ligne = self.session.get(
            LimitationSource, source, with_for_update=True, populate_existing=True
        )
        assert ligne is not None
        if ligne.debut <= fenetre_debut:
            ligne.debut, ligne.echecs = maintenant, 0
        ligne.echecs += 1
        self.session.flush()
        return ligne.echecs

    def purger(self, fenetre_debut: datetime) -> None:
        self.session.execute(
            delete(LimitationSource).where(col(LimitationSource.debut) <= fenetre_debut)
        )
