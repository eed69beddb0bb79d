"""The accounts' queries: look-ups, the savepoint that guards a fresh identifiant, the bulk
rows of an import, the list and the export of an organisme. Services ask these; they never
build SQL themselves."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from cpfadmin.domain.identifiant import generer_identifiant
from cpfadmin.domain.roles import Role, StatutCompte
from cpfadmin.store.models import Compte, HistoriqueMotDePasse, Organisme, Unite
from cpfadmin.store.repositories import Depot, motif_contenant

# The keys of an account's view that come from elsewhere than its own columns.
DE_L_ORGANISME = {"organisme_siret": "siret", "organisme_raison_sociale": "raison_sociale"}
DE_L_UNITE = "unite"


class Comptes(Depot):
    def par_identifiant(self, identifiant: str, *, verrouiller: bool = False) -> Compte | None:
        requete = select(Compte).where(Compte.identifiant == identifiant)
        if verrouiller:
            requete = requete.with_for_update()
        return self.session.exec(requete).first()

    def par_id(self, compte_id: int, *, verrouiller: bool = False) -> Compte | None:
        return self.session.get(Compte, compte_id, with_for_update=verrouiller or None)

    def par_email(self, organisme_id: int, email_cle: str) -> Compte | None:
        """The account of the organisme whose folded e-mail is ``email_cle``."""
        return self.session.exec(
            select(Compte).where(Compte.organisme_id == organisme_id, Compte.email_cle == email_cle)
        ).first()

    def par_emails(self, organisme_id: int, cles: Sequence[str]) -> dict[str, Compte]:
        """The accounts of the organisme among these folded e-mails, by e-mail, in one query."""
        if not cles:
            return {}
        return {
            c.email_cle: c
            for c in self.session.exec(
                select(Compte).where(
                    Compte.organisme_id == organisme_id, col(Compte.email_cle).in_(cles)
                )
            )
        }

    def administrateur_principal(
        self, organisme_id: int, *, verrouiller: bool = False
    ) -> Compte | None:
        """The organisme's active principal administrator (the store allows one)."""
        requete = select(Compte).where(
            Compte.organisme_id == organisme_id,
            Compte.role == Role.ADMINISTRATEUR_PRINCIPAL.value,
            Compte.statut == StatutCompte.ACTIF.value,
        )
        if verrouiller:
            requete = requete.with_for_update()
        return self.session.exec(requete).first()

    def compter_actifs(
        self, *, organisme_id: int | None = None, unite_id: int | None = None
    ) -> int:
        """How many active accounts the organisme, or the unité, has."""
        requete = select(func.count(col(Compte.id))).where(
            Compte.statut == StatutCompte.ACTIF.value
        )
        if organisme_id is not None:
            requete = requete.where(Compte.organisme_id == organisme_id)
        if unite_id is not None:
            requete = requete.where(Compte.unite_id == unite_id)
        return self.session.exec(requete).one()

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

    def ajouter_si_identifiant_libre(self, compte: Compte) -> bool:
        """Add the new account under a savepoint. False when a concurrent writer took its
        identifiant meanwhile (draw another); any other violation is raised."""
        try:
            with self.session.begin_nested():
                self.session.add(compte)
        except IntegrityError:
            if self.identifiant_existe(compte.identifiant):
                return False
            raise
        return True

    def inserer_en_masse(self, lignes: list[dict[str, Any]]) -> dict[str, int]:
        """Insert new accounts given as plain rows (an import's thousands) and return their
        ids by identifiant."""
        # Core inserts of plain rows (executemany: pipelined on PostgreSQL), then one query for
        # the new ids; the ORM's per-object bookkeeping is not needed here.
        self.session.execute(insert(Compte.__table__), lignes)  # type: ignore[attr-defined]
        identifiants = [ligne["identifiant"] for ligne in lignes]
        return dict(
            self.session.exec(
                select(Compte.identifiant, Compte.id).where(
                    col(Compte.identifiant).in_(identifiants)
                )
            ).all()  # type: ignore[arg-type]
        )

    def historique(self, compte_id: int, n: int) -> list[str]:
        return list(
            self.session.exec(
                select(HistoriqueMotDePasse.hache)
                .where(HistoriqueMotDePasse.compte_id == compte_id)
                .order_by(
                    col(HistoriqueMotDePasse.cree_le).desc(), col(HistoriqueMotDePasse.id).desc()
                )
                .limit(n)
            )
        )

    def historiser(self, compte_id: int, hache: str, le: datetime) -> None:
        """Keep a chosen password's hash in the account's history."""
        self.session.add(HistoriqueMotDePasse(compte_id=compte_id, hache=hache, cree_le=le))

    # --- an organisme's accounts: the list and the export ---------------------------------
    def _de(
        self,
        requete: Any,
        organisme_id: int,
        unite_id: int | None,
        statut: str | None,
    ) -> Any:
        """``requete`` over the accounts of the organisme joined to their unité, in name
        order, filtered by unité and statut: what list and export share."""
        requete = (
            requete.join(Unite, col(Unite.id) == col(Compte.unite_id), isouter=True)
            .where(Compte.organisme_id == organisme_id)
            .order_by(col(Compte.nom), col(Compte.prenom), col(Compte.id))
        )
        if unite_id is not None:
            requete = requete.where(Compte.unite_id == unite_id)
        if statut:
            requete = requete.where(Compte.statut == statut)
        return requete

    def lignes(
        self,
        organisme: Organisme,
        cles: Sequence[str],
        *,
        unite_id: int | None = None,
        statut: str | None = None,
        role: str | None = None,
        recherche: str | None = None,
        limite: int | None = None,
    ) -> list[dict[str, Any]]:
        """The accounts of the organisme, each a dict of ``cles`` in that order: an account's
        column by its name, ``unite`` the name of its unité, ``organisme_siret`` and
        ``organisme_raison_sociale`` the organisme's. ``recherche`` (already folded) is looked
        for in the account's search text."""
        # Plain columns, not ORM objects: a list may return 100,000 accounts.
        colonnes = [
            getattr(Compte, cle) for cle in cles if cle not in DE_L_ORGANISME and cle != DE_L_UNITE
        ]
        if DE_L_UNITE in cles:
            colonnes.append(col(Unite.libelle).label(DE_L_UNITE))
        requete = self._de(select(*colonnes), organisme.id, unite_id, statut)  # type: ignore[arg-type]
        if role:
            requete = requete.where(Compte.role == role)
        if recherche is not None:
            motif = motif_contenant(recherche)
            requete = requete.where(col(Compte.recherche).like(motif, escape="\\"))
        if limite:
            requete = requete.limit(limite)
        resultat = self.session.execute(requete)
        # Each key from the column of its name (the position of a name is looked up once): a
        # new column cannot shift the others' values.
        position = {nom: i for i, nom in enumerate(resultat.keys())}
        fixes = {cle: getattr(organisme, attribut) for cle, attribut in DE_L_ORGANISME.items()}
        ordre = [(cle, position.get(cle)) for cle in cles]
        return [
            {cle: fixes[cle] if i is None else ligne[i] for cle, i in ordre} for ligne in resultat
        ]

    def pour_export(
        self,
        organisme_id: int,
        *,
        unite_id: int | None = None,
        statut: str | None = None,
        sauf_statut: str | None = None,
    ) -> Iterator[tuple[Compte, str | None]]:
        """The accounts of the organisme with the name of their unité, streamed a thousand at
        a time (the query runs when the first row is asked for)."""
        requete = self._de(select(Compte, Unite.libelle), organisme_id, unite_id, statut)
        if sauf_statut:
            requete = requete.where(Compte.statut != sauf_statut)
        yield from self.session.exec(requete.execution_options(yield_per=1000))
