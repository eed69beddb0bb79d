"""Use cases of ``audit``: the chained journal, and its signed checkpoints kept outside the
store."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from cpfadmin.application.noyau import Groupe
from cpfadmin.domain.errors import Commande, DonneeInvalide, Option, raison_systeme


class Audit(Groupe):
    def lister(
        self,
        jeton: str | None,
        *,
        organisme: str | None = None,
        depuis: datetime | None = None,
        action: str | None = None,
        identifiant: str | None = None,
        limite: int = 1000,
    ) -> list[dict[str, Any]]:
        """Operators: every event; administrators: their organisme's; newest first."""
        from cpfadmin.services import audit

        return self._lire(
            jeton,
            lambda uow, acteur: audit.lister(
                uow,
                acteur,
                organisme=organisme,
                depuis=depuis,
                action=action,
                identifiant=identifiant,
                limite=limite,
            ),
        )

    def verifier(
        self,
        jeton: str | None,
        *,
        points: list[Path] | None = None,
        cles_publiques: dict[Path, str] | None = None,
    ) -> dict[str, Any]:
        """The whole chain (operators; ``EtatIncompatible`` naming the first broken event), and
        that it extends each checkpoint of ``points``, signed by a trusted key: those of
        ``cles_publiques`` (each file with where the front end says it comes from), else the
        profile's ``audit_checkpoint_key``."""
        from cpfadmin.services import points_de_controle

        contenus = _lire_points(points or [])
        confiance = self._cles_de_confiance(cles_publiques or {}) if contenus else []
        authentifies = points_de_controle.authentifier(contenus, confiance)
        return self._lire(
            jeton, lambda uow, acteur: points_de_controle.verifier(uow, acteur, authentifies)
        )

    def _cles_de_confiance(self, fichiers: dict[Path, str]) -> list[tuple[bytes, str]]:
        """The public keys a checkpoint must be signed by, and where each comes from. Never
        the key a checkpoint carries."""
        from cpfadmin.adapters import signature

        if fichiers:
            return [(signature.charger_publique(f), origine) for f, origine in fichiers.items()]
        profil = self._noyau.profil
        cle = profil.cle_point_de_controle
        if cle is None:
            return []
        source = f"audit_checkpoint_key du profil {profil.nom}"
        public = signature.fichier_public(cle)
        if cle.exists():
            return [(signature.charger_publique(cle), source)]
        if public.exists():
            return [(signature.charger_publique(public), source)]
        raise DonneeInvalide(
            f"Clé de confiance introuvable : ni {cle} ni {public} (audit_checkpoint_key du "
            f"profil {profil.nom}).",
            champ="cle",
        )

    def prendre_point(
        self,
        jeton: str | None,
        *,
        cle: Path | None = None,
        fichier: Path | None = None,
        ecraser: bool = False,
    ) -> dict[str, Any]:
        """Sign the head of the chain (operators) with the Ed25519 key ``cle`` (else the
        profile's), after verifying the chain; written to ``fichier`` if given. The key and the
        destination are checked first: nothing is read for a checkpoint that could not be
        signed or kept."""
        from cpfadmin.adapters import signature
        from cpfadmin.adapters.fichiers import verifier_destination
        from cpfadmin.services import points_de_controle

        profil = self._noyau.profil
        chemin = cle or profil.cle_point_de_controle
        if chemin is None:
            raise DonneeInvalide(
                (
                    "Aucune clé pour signer le point de contrôle : ",
                    Option("cle", "FICHIER"),
                    f', ou audit_checkpoint_key = "FICHIER" dans [profiles.{profil.nom}].',
                ),
                champ="cle",
                suggestion=Commande("audit keygen", "FICHIER"),
            )
        signataire = signature.charger_signataire(chemin)
        if fichier is not None:
            verifier_destination(fichier, ecraser)
        base = self._noyau.base_affichee()
        document = self._lire(
            jeton,
            lambda uow, acteur: points_de_controle.prendre(uow, acteur, signataire, base),
        )
        if fichier is not None:
            texte = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
            signature.ecrire(fichier, texte.encode("utf-8"), mode=0o644, ecraser=ecraser)
        return document

    def creer_cle(self, fichier: Path, *, ecraser: bool = False) -> dict[str, Any]:
        return creer_cle(fichier, ecraser=ecraser)


def creer_cle(fichier: Path, *, ecraser: bool = False) -> dict[str, Any]:
    """A new Ed25519 key: the private one in ``fichier`` (0600), the public one beside it;
    never through a symbolic link, nothing replaced unless ``ecraser``. Nothing of the store:
    the remote application makes its keys the same way, on the operator's machine."""
    import base64

    from cpfadmin.adapters import signature
    from cpfadmin.domain.point_de_controle import empreinte

    public, brut = signature.generer(fichier, ecraser=ecraser)
    return {
        "fichier": str(fichier),
        "fichier_public": str(public),
        "empreinte_cle": empreinte(brut),
        "cle_publique": base64.b64encode(brut).decode("ascii"),
    }


def _lire_points(fichiers: list[Path]) -> list[tuple[str, bytes]]:
    """The bytes of each checkpoint file (no more than a checkpoint may weigh, plus one)."""
    from cpfadmin.domain import point_de_controle

    contenus = []
    for f in fichiers:
        try:
            with f.open("rb") as flux:
                contenus.append((str(f), flux.read(point_de_controle.TAILLE_MAX + 1)))
        except OSError as e:
            raise DonneeInvalide(
                f"Point de contrôle {f} illisible : {raison_systeme(e)}.", champ="checkpoint"
            ) from None
    return contenus
