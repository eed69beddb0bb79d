"""The system's security policy (SPEC §4): read from the store by every command, shown to
every account, changed by an operator, each change audited with its former value."""

from __future__ import annotations

from typing import Any

from cpfadmin.domain import politique as regles
from cpfadmin.domain.permissions import Action, verifier
from cpfadmin.domain.politique import Politiques
from cpfadmin.services.acteur import Acteur
from cpfadmin.store.uow import UniteDeTravail


def lire(uow: UniteDeTravail) -> Politiques:
    """The policy in force: the store's rows over the defaults."""
    return regles.depuis_le_magasin(uow.politique.valeurs())


def vue(uow: UniteDeTravail) -> list[dict[str, Any]]:
    """Every key, its value, its default, its bounds, and who changed it last."""
    en_vigueur = lire(uow)
    defauts = Politiques()
    lignes = {r.cle: r for r in uow.politique.regles()}
    vue = []
    for cle, regle in regles.REGLES.items():
        valeur = getattr(en_vigueur, cle)
        ligne = lignes.get(cle)
        vue.append(
            {
                "cle": cle,
                "valeur": valeur,
                "defaut": getattr(defauts, cle),
                "bornes": regles.bornes(cle),
                "hors_bornes": not regles.dans_les_bornes(cle, valeur),
                "description": regle.libelle,
                "modifie_le": ligne.modifie_le if ligne else None,
                "modifie_par": ligne.modifie_par if ligne else None,
            }
        )
    return vue


def definir(uow: UniteDeTravail, acteur: Acteur, cle: str, texte: str) -> dict[str, Any]:
    """Change one key (operators). Raises ``DonneeInvalide`` (exit 7) for an unknown key or a
    value outside its bounds; the audit keeps the former and the new value."""
    verifier(Action.POLITIQUE_MODIFIER, acteur.habilitation, acteur.organisme_id)
    cle, valeur = regles.convertir(cle, texte)
    avant = getattr(lire(uow), cle)
    maintenant = uow.maintenant()
    uow.politique.ecrire(cle, regles.en_texte(valeur), maintenant, acteur.identifiant)
    if avant != valeur:
        uow.auditer(
            "politique_modifiee",
            acteur=acteur.identifiant,
            organisme=acteur.organisme_siret,
            details={"cle": cle, "avant": avant, "apres": valeur},
        )
    uow.commit()
    return {"cle": cle, "valeur": valeur, "avant": avant, "modifie": avant != valeur}
