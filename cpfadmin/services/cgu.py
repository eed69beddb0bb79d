"""Conditions générales d'utilisation: versions published by operators, accepted by everyone
at their next login."""

from __future__ import annotations

from typing import Any

from cpfadmin.domain import validation
from cpfadmin.domain.errors import DejaExistant, DonneeInvalide, Introuvable
from cpfadmin.domain.permissions import Action, verifier
from cpfadmin.services.acteur import Acteur
from cpfadmin.store.models import Cgu
from cpfadmin.store.uow import UniteDeTravail

TAILLE_MAX = 200_000


def publier(uow: UniteDeTravail, acteur: Acteur, texte: str, version: str) -> dict[str, Any]:
    """Publish a new version (operators): every account accepts it again at its next login.
    Raises ``DejaExistant`` for a version already published, ``DonneeInvalide`` for an empty
    or oversized text."""
    verifier(Action.CGU_PUBLIER, acteur.habilitation, acteur.organisme_id)
    version = validation.texte(version, "version", longueur_max=32)
    import unicodedata

    if any(
        (unicodedata.category(c) == "Cc" and c not in "\n\r\t") or unicodedata.category(c) == "Cf"
        for c in texte
    ):
        raise DonneeInvalide(
            "Le texte des conditions générales contient des caractères de contrôle (séquences "
            "d'échappement, caractères invisibles) : ils s'afficheraient dans le terminal de "
            "chacun.",
            champ="fichier",
        )
    if not texte.strip():
        raise DonneeInvalide("Le texte des conditions générales est vide.", champ="fichier")
    if len(texte) > TAILLE_MAX:
        raise DonneeInvalide(
            f"Texte des conditions générales trop long ({TAILLE_MAX} caractères au plus).",
            champ="fichier",
        )
    if uow.cgu.par_version(version) is not None:
        raise DejaExistant(f"La version {version} des conditions générales existe déjà.")
    maintenant = uow.maintenant()
    cgu = uow.cgu.ajouter(
        Cgu(version=version, texte=texte, publiee_le=maintenant, publiee_par_id=acteur.compte_id)
    )
    uow.auditer(
        "cgu_publiees",
        acteur=acteur.identifiant,
        organisme=acteur.organisme_siret,
        details={"cgu_version": version, "caracteres": len(texte)},
    )
    uow.commit()
    return {"version": cgu.version, "publiee_le": cgu.publiee_le}


def consulter(uow: UniteDeTravail, acteur: Acteur) -> dict[str, Any]:
    """The current CGU and whether the actor accepted them."""
    cgu = uow.cgu.courante()
    if cgu is None:
        raise Introuvable("Aucune version des conditions générales n'est publiée.")
    acceptation = uow.cgu.acceptation(acteur.compte_id, cgu.id)  # type: ignore[arg-type]
    return {
        "version": cgu.version,
        "publiee_le": cgu.publiee_le,
        "acceptee": acceptation is not None,
        "acceptee_le": acceptation.acceptee_le if acceptation else None,
        "texte": cgu.texte,
    }


def accepter(uow: UniteDeTravail, acteur: Acteur) -> dict[str, Any]:
    cgu = uow.cgu.courante()
    if cgu is None:
        raise Introuvable("Aucune version des conditions générales n'est publiée.")
    if uow.cgu.acceptation(acteur.compte_id, cgu.id) is None:  # type: ignore[arg-type]
        uow.cgu.accepter(acteur.compte_id, cgu.id, uow.maintenant())  # type: ignore[arg-type]
        uow.auditer(
            "cgu_acceptees",
            acteur=acteur.identifiant,
            organisme=acteur.organisme_siret,
            cible=acteur.identifiant,
            details={"cgu_version": cgu.version},
        )
        uow.commit()
    return consulter(uow, acteur)
