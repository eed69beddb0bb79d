"""Unités: labels within an organisme that help searches (the guide: they never limit what a
gestionnaire may see or do). Unique within the organisme regardless of case."""

from __future__ import annotations

from typing import Any

from cpfadmin.domain import validation
from cpfadmin.domain.errors import (
    Commande,
    DejaExistant,
    DonneeInvalide,
    EtatIncompatible,
    Introuvable,
    Option,
    Saisie,
)
from cpfadmin.domain.permissions import Action, verifier
from cpfadmin.domain.suggestions import vouliez_vous_dire
from cpfadmin.services.acteur import Acteur
from cpfadmin.services.comptes import organisme_vise
from cpfadmin.store.models import Organisme, Unite
from cpfadmin.store.uow import UniteDeTravail


def cle(libelle: str) -> str:
    return libelle.casefold()


def unite_par_libelle(
    uow: UniteDeTravail, organisme: Organisme, libelle: str, *, pour_modifier: bool = False
) -> Unite:
    """The unité of that name in the organisme (case-insensitive). An unknown name is invalid
    input when choosing one for an account, and not found when acting on it."""
    texte = validation.texte(libelle, "unite", longueur_max=validation.LONGUEUR_MAX_LIBELLE)
    unite = uow.unites.par_cle(organisme.id, cle(texte))  # type: ignore[arg-type]
    if unite is None:
        message = f"Unité inconnue dans l'organisme {organisme.siret} : « {texte} »."
        libelles = [u.libelle for u in uow.unites.de(organisme.id)]  # type: ignore[arg-type]
        proche = vouliez_vous_dire(texte, libelles)
        if pour_modifier:
            raise Introuvable(message, suggestion=proche)
        raise DonneeInvalide(
            message,
            champ="unite",
            suggestion=proche
            or Commande("unites add", Saisie(texte), Option("organisme", organisme.siret)),
        )
    return unite


def ajouter(
    uow: UniteDeTravail, acteur: Acteur, libelle: str, *, organisme_siret: str | None = None
) -> dict[str, Any]:
    """Create a unité (AP(O), AD(O), operators). Raises ``DejaExistant`` for a name already
    used, whatever its case."""
    organisme = organisme_vise(uow, acteur, organisme_siret)
    verifier(Action.UNITE_GERER, acteur.habilitation, organisme.id)  # type: ignore[arg-type]
    texte = validation.texte(libelle, "unite", longueur_max=validation.LONGUEUR_MAX_LIBELLE)
    existante = uow.unites.par_cle(organisme.id, cle(texte))  # type: ignore[arg-type]
    if existante is not None:
        raise DejaExistant(f"L'unité « {existante.libelle} » existe déjà dans cet organisme.")
    unite = uow.unites.ajouter(
        Unite(
            organisme_id=organisme.id,  # type: ignore[arg-type]
            libelle=texte,
            libelle_cle=cle(texte),
            cree_le=uow.maintenant(),
        )
    )
    uow.auditer(
        "unite_creee",
        acteur=acteur.identifiant,
        organisme=organisme.siret,
        details={"libelle": texte},
    )
    uow.commit()
    return {"libelle": unite.libelle, "organisme_siret": organisme.siret, "comptes_actifs": 0}


def lister(
    uow: UniteDeTravail, acteur: Acteur, *, organisme_siret: str | None = None
) -> list[dict[str, Any]]:
    organisme = organisme_vise(uow, acteur, organisme_siret)
    verifier(
        Action.COMPTES_CONSULTER,
        acteur.habilitation,
        organisme.id,  # type: ignore[arg-type]
        objet="unites",
    )
    return [
        {"libelle": u.libelle, "organisme_siret": organisme.siret, "comptes_actifs": n}
        for u, n in uow.unites.avec_comptes_actifs(organisme.id)  # type: ignore[arg-type]
    ]


def renommer(
    uow: UniteDeTravail,
    acteur: Acteur,
    ancien: str,
    nouveau: str,
    *,
    organisme_siret: str | None = None,
) -> dict[str, Any]:
    organisme = organisme_vise(uow, acteur, organisme_siret)
    verifier(Action.UNITE_GERER, acteur.habilitation, organisme.id)  # type: ignore[arg-type]
    unite = unite_par_libelle(uow, organisme, ancien, pour_modifier=True)
    texte = validation.texte(nouveau, "unite", longueur_max=validation.LONGUEUR_MAX_LIBELLE)
    nouvelle_cle = cle(texte)
    if (
        nouvelle_cle != unite.libelle_cle
        and uow.unites.par_cle(organisme.id, nouvelle_cle) is not None  # type: ignore[arg-type]
    ):
        raise DejaExistant(f"L'unité « {texte} » existe déjà dans cet organisme.")
    avant = unite.libelle
    unite.libelle, unite.libelle_cle = texte, cle(texte)
    uow.auditer(
        "unite_renommee",
        acteur=acteur.identifiant,
        organisme=organisme.siret,
        details={"avant": {"libelle": avant}, "apres": {"libelle": texte}},
    )
    uow.commit()
    return {"libelle": texte, "organisme_siret": organisme.siret}


def supprimer(
    uow: UniteDeTravail, acteur: Acteur, libelle: str, *, organisme_siret: str | None = None
) -> dict[str, Any]:
    """Remove a unité no active account uses (``EtatIncompatible`` says how many do);
    suspended or removed accounts that pointed to it lose the reference."""
    organisme = organisme_vise(uow, acteur, organisme_siret)
    verifier(Action.UNITE_GERER, acteur.habilitation, organisme.id)  # type: ignore[arg-type]
    unite = unite_par_libelle(uow, organisme, libelle, pour_modifier=True)
    actifs = uow.comptes.compter_actifs(unite_id=unite.id)
    if actifs:
        raise EtatIncompatible(
            f"L'unité « {unite.libelle} » est utilisée par {actifs} compte(s) actif(s) : "
            "changez-leur d'unité avant de la supprimer.",
        )
    detaches = uow.unites.retirer(unite)
    uow.auditer(
        "unite_supprimee",
        acteur=acteur.identifiant,
        organisme=organisme.siret,
        details={"libelle": unite.libelle, "comptes_inactifs_detaches": detaches},
    )
    uow.commit()
    return {"libelle": unite.libelle, "organisme_siret": organisme.siret}
