"""Queries, grouped by aggregate. Services ask these; they never build SQL themselves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from cpfadmin.domain.identifiant import generer_identifiant
from cpfadmin.domain.roles import TypeOrganisme
from cpfadmin.store.models import (
    AcceptationCgu,
    Cgu,
    Compte,
    EtapeConnexion,
    Organisme,
    ReglePolitique,
    SessionCompte,
    Unite,
)


class _Depot:
    def __init__(self, session: Session) -> None:
        self.session = session

    def ajouter(self, objet):  # type: ignore[no-untyped-def]
        self.session.add(objet)
        self.session.flush()
        return objet


class Organismes(_Depot):
    def par_id(self, organisme_id: int) -> Organisme | None:
        return self.session.get(Organisme, organisme_id)

    def par_siret(self, siret: str) -> Organisme | None:
        return self.session.exec(select(Organisme).where(Organisme.siret == siret)).first()

    def cdc(self) -> Organisme | None:
        return self.session.exec(
            select(Organisme).where(Organisme.type == TypeOrganisme.CDC.value)
        ).first()


class Comptes(_Depot):
    def par_identifiant(self, identifiant: str, *, verrouiller: bool = False) -> Compte | None:
        requete = select(Compte).where(Compte.identifiant == identifiant)
        if verrouiller:
            requete = requete.with_for_update()
        return self.session.exec(requete).first()

    def par_id(self, compte_id: int, *, verrouiller: bool = False) -> Compte | None:
        return self.session.get(Compte, compte_id, with_for_update=verrouiller or None)

    def identifiant_existe(self, identifiant: str) -> bool:
        return (
            self.session.exec(select(Compte.id).where(Compte.identifiant == identifiant)).first()
            is not None
        )

    def identifiants_libres(self, n: int) -> list[str]:
        """``n`` fresh random identifiants, none of which exists yet: drawn in one batch and
        checked with one query per draw (the unique constraint still has the last word
        against a concurrent writer)."""
        choisis: set[str] = set()
        while len(choisis) < n:
            candidats = {generer_identifiant() for _ in range(n - len(choisis))} - choisis
            pris = set(
                self.session.exec(
                    select(Compte.identifiant).where(col(Compte.identifiant).in_(candidats))
                )
            )
            choisis |= candidats - pris
        return list(choisis)

    def historique(self, compte_id: int, n: int) -> list[str]:
        from cpfadmin.store.models import HistoriqueMotDePasse as H

        return list(
            self.session.exec(
                select(H.hache)
                .where(H.compte_id == compte_id)
                .order_by(col(H.cree_le).desc(), col(H.id).desc())
                .limit(n)
            )
        )


class Unites(_Depot):
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


class Cgus(_Depot):
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


class Sessions(_Depot):
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


class Politique(_Depot):
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


class EtapesConnexion(_Depot):
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
