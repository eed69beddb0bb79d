"""The export of an organisme's accounts in the import's columns (SPEC §6): what it writes
re-imports as it is, into another organisme for instance."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from cpfadmin.domain import validation
from cpfadmin.domain.champs import TEXTES_LIBRES
from cpfadmin.domain.permissions import Action, verifier
from cpfadmin.domain.roles import Role, StatutCompte
from cpfadmin.services.acteur import Acteur
from cpfadmin.services.comptes import organisme_vise
from cpfadmin.services.gestionnaires import filtres_comptes
from cpfadmin.store.models import Compte
from cpfadmin.store.uow import UniteDeTravail


def exporter(
    uow: UniteDeTravail,
    acteur: Acteur,
    *,
    organisme_siret: str | None = None,
    unite: str | None = None,
    statut: str | None = None,
) -> Iterator[dict[str, Any]]:
    """The accounts of an organisme in the import's columns (plus identifiant, rôle, statut),
    streamed. Phones in the French form of ``validation.forme_francaise``, as ``-o csv``
    writes them. Removed accounts are left out unless asked for with ``statut``."""
    organisme = organisme_vise(uow, acteur, organisme_siret)
    verifier(
        Action.COMPTES_CONSULTER,
        acteur.habilitation,
        organisme.id,  # type: ignore[arg-type]
        objet="export",
    )
    unite_id, statut_v = filtres_comptes(uow, organisme, unite=unite, statut=statut)
    comptes = uow.comptes.pour_export(
        organisme.id,  # type: ignore[arg-type]
        unite_id=unite_id,
        statut=statut_v,
        sauf_statut=None if statut else StatutCompte.SUPPRIME.value,
    )

    def lignes() -> Iterator[dict[str, Any]]:
        for compte, libelle in comptes:
            yield _ligne_export(compte, libelle, validation.forme_francaise)

    # The checks above ran now, before the caller writes anything; the rows stream.
    return lignes()


def _ligne_export(
    compte: Compte, libelle: str | None, national: Callable[[str | None], str | None]
) -> dict[str, Any]:
    return {
        "identifiant": compte.identifiant,
        **{c.nom: getattr(compte, c.nom) for c in TEXTES_LIBRES},
        "email": compte.email,
        "telephone_fixe": national(compte.telephone_fixe),
        "telephone_mobile": national(compte.telephone_mobile),
        "unite": libelle,
        "niveau_habilitation": compte.niveau_habilitation,
        "administrateur_delegue": "oui"
        if compte.role == Role.ADMINISTRATEUR_DELEGUE.value
        else "non",
        "role": compte.role,
        "statut": compte.statut,
    }
