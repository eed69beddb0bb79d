"""The audit chain (SPEC §1): each event carries the digest of the previous one, so that an
edited, deleted or reordered event breaks the chain. Pure functions over plain values."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

CONDENSAT_INITIAL = "0" * 64

# Every action the services record (tests/unit/test_suggestions.py checks the list against the
# code): what ``audit list --action`` accepts, offers to complete and suggests from.
ACTIONS = (
    "initialisation",
    "connexion_reussie",
    "connexion_echec",
    "connexion_refusee",
    "compte_verrouille",
    "compte_deverrouille",
    "deconnexion",
    "cgu_publiees",
    "cgu_acceptees",
    "cgu_refusees",
    "mot_de_passe_change",
    "mot_de_passe_renouvele",
    "donnees_personnelles_modifiees",
    "email_modifie",
    "organisme_cree",
    "organisme_modifie",
    "administrateur_principal_designe",
    "unite_creee",
    "unite_renommee",
    "unite_supprimee",
    "compte_cree",
    "compte_modifie",
    "compte_suspendu",
    "compte_reactive",
    "compte_supprime",
    "delegue_attribue",
    "delegue_retire",
    "politique_modifiee",
)

# Keys whose values must never reach the audit, whatever a caller passes in ``details``.
CLES_INTERDITES = ("mot_de_passe", "password", "secret", "jeton", "token", "temporaire")
_CLE_INTERDITE = re.compile("|".join(CLES_INTERDITES))


def verifier_details(details: Mapping[str, Any]) -> None:
    """Refuse secret-like keys anywhere in the details, nested mappings and lists included."""
    for cle, valeur in details.items():
        if _CLE_INTERDITE.search(str(cle).lower()):
            raise ValueError(f"L'audit ne doit pas recevoir de secret (clé « {cle} »).")
        _verifier_valeur(valeur)


def _verifier_valeur(valeur: Any) -> None:
    if isinstance(valeur, Mapping):
        verifier_details(valeur)
    elif isinstance(valeur, (list, tuple, set, frozenset)):
        for element in valeur:
            _verifier_valeur(element)


def condensat_evenement(
    *,
    seq: int,
    horodatage: datetime,
    action: str,
    acteur: str | None,
    organisme: str | None,
    cible: str | None,
    details: Mapping[str, Any],
    precedent: str,
) -> str:
    contenu = json.dumps(
        {
            "seq": seq,
            "horodatage": horodatage.isoformat(timespec="microseconds"),
            "action": action,
            "acteur": acteur,
            "organisme": organisme,
            "cible": cible,
            "details": details,
            "precedent": precedent,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(contenu.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Maillon:
    seq: int
    horodatage: datetime
    action: str
    acteur: str | None
    organisme: str | None
    cible: str | None
    details: Mapping[str, Any]
    precedent: str
    condensat: str


@dataclass(frozen=True)
class Rupture:
    seq: int
    raison: str


def verifier_chaine(
    maillons: Iterable[Maillon],
    *,
    tete_seq: int,
    tete_condensat: str,
    reperes: Mapping[int, str] | None = None,
) -> tuple[int, Rupture | None]:
    """Walk the events in order; return how many were checked and the first break, if any.
    ``tete_*`` is the head the store recorded: it catches events cut from the end by someone
    who left the head alone. ``reperes`` (seq → digest, from signed checkpoints kept outside
    the store) catch the rest: a chain cut and its head moved back, or rewritten whole."""
    reperes = reperes or {}
    attendu_seq, attendu_precedent, compte = 1, CONDENSAT_INITIAL, 0
    for m in maillons:
        if m.seq != attendu_seq:
            return compte, Rupture(m.seq, f"événement(s) manquant(s) avant le n° {m.seq}")
        if m.precedent != attendu_precedent:
            return compte, Rupture(m.seq, "le lien vers l'événement précédent est rompu")
        recalcule = condensat_evenement(
            seq=m.seq,
            horodatage=m.horodatage,
            action=m.action,
            acteur=m.acteur,
            organisme=m.organisme,
            cible=m.cible,
            details=m.details,
            precedent=m.precedent,
        )
        if recalcule != m.condensat:
            return compte, Rupture(m.seq, "le contenu de l'événement a été modifié")
        if m.seq in reperes and reperes[m.seq] != m.condensat:
            return compte, Rupture(
                m.seq,
                "son empreinte n'est plus celle du point de contrôle : la chaîne a été "
                "réécrite depuis",
            )
        attendu_seq, attendu_precedent, compte = m.seq + 1, m.condensat, compte + 1
    if compte != tete_seq or attendu_precedent != tete_condensat:
        return compte, Rupture(attendu_seq, "la fin de la chaîne a été tronquée ou remplacée")
    au_dela = [seq for seq in reperes if seq > compte]
    if au_dela:
        return compte, Rupture(
            min(au_dela),
            f"la chaîne ne compte que {compte} événement(s) alors qu'un point de contrôle en "
            f"atteste {min(au_dela)} (événements retirés, tête reculée)",
        )
    return compte, None
