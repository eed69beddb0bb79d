"""An import of gestionnaires from a spreadsheet, pass 2 (SPEC §6): the rows that
``analyse_import.analyser`` kept are written a batch per transaction — each batch's accounts,
audit events and e-mails commit together, and every batch checks again which e-mails already
exist, so that an import killed at any point leaves no half-created account and simply runs
again."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cpfadmin.domain import authentifiants
from cpfadmin.domain.champs import TEXTES_LIBRES
from cpfadmin.domain.errors import DelaiDepasse
from cpfadmin.domain.permissions import Action, verifier
from cpfadmin.domain.politique import Politiques
from cpfadmin.domain.roles import Role
from cpfadmin.services import courrier
from cpfadmin.services.acteur import Acteur
from cpfadmin.services.analyse_import import LOT, Analyse, par_lots
from cpfadmin.services.comptes import differences, nouveau_compte, texte_de_recherche, vue_compte
from cpfadmin.services.rapport_import import LigneRapport
from cpfadmin.services.unites import cle as cle_unite
from cpfadmin.store.models import Compte, Organisme, Unite
from cpfadmin.store.uow import UniteDeTravail


@dataclass
class ResultatImport:
    crees: int = 0
    mis_a_jour: int = 0
    existants: int = 0


def importer(
    fabrique: Callable[[], UniteDeTravail],
    executer: Callable[[Callable[[UniteDeTravail], Any]], Any],
    acteur: Acteur,
    analyse: Analyse,
    politiques: Politiques,
    url_portail: str,
    *,
    sur_existant: str = "skip",
    nom_source: str = "",
    progression: Callable[[int], None] | None = None,
) -> ResultatImport:
    """Pass 2: write the rows ``analyser`` kept, a batch per transaction (``executer`` runs
    one unit of work with retries). The report gets each row's outcome."""
    resultat = ResultatImport()
    faits = 0
    with analyse.valides.open("r", encoding="utf-8") as f:
        for lot in par_lots((json.loads(t) for t in f), LOT):
            try:
                issue = executer(
                    lambda uow, lot=lot: _ecrire_lot(
                        uow,
                        acteur,
                        analyse,
                        lot,
                        politiques,
                        url_portail,
                        sur_existant,
                        nom_source,
                    )
                )
            except DelaiDepasse:
                raise DelaiDepasse(
                    f"Le serveur n'a pas pu terminer l'import dans le délai imparti : "
                    f"{resultat.crees} compte(s) créé(s) et {resultat.mis_a_jour} mis à jour "
                    "le restent ; relancez le même import, ils seront reconnus."
                ) from None
            for ligne in issue:
                analyse.rapport.ajouter(ligne, ecriture=True)
                if ligne.resultat == "cree":
                    resultat.crees += 1
                elif ligne.resultat == "mis_a_jour":
                    resultat.mis_a_jour += 1
                else:
                    resultat.existants += 1
            faits += len(lot)
            if progression:
                progression(faits)
    resultat.existants += analyse.existants
    return resultat


def _unites(
    uow: UniteDeTravail, organisme: Organisme, acteur: Acteur, libelles: set[str]
) -> dict[str, int]:
    """The ids of the unités the batch names, creating the missing ones (``--create-unites``,
    already decided in pass 1)."""
    existantes = {u.libelle_cle: u.id for u in uow.unites.de(organisme.id)}  # type: ignore[arg-type]
    for libelle in sorted(libelles):
        cle = cle_unite(libelle)
        if cle not in existantes:
            verifier(Action.UNITE_GERER, acteur.habilitation, organisme.id)  # type: ignore[arg-type]
            unite = uow.unites.ajouter(
                Unite(
                    organisme_id=organisme.id,
                    libelle=libelle,
                    libelle_cle=cle,
                    cree_le=uow.maintenant(),
                )  # type: ignore[arg-type]
            )
            uow.auditer(
                "unite_creee",
                acteur=acteur.identifiant,
                organisme=organisme.siret,
                cible=libelle[:64],
                details={"libelle": libelle, "import": True},
            )
            existantes[cle] = unite.id  # type: ignore[assignment]
    return existantes  # type: ignore[return-value]


def _ecrire_lot(
    uow: UniteDeTravail,
    acteur: Acteur,
    analyse: Analyse,
    lot: list[tuple[int, dict[str, Any]]],
    politiques: Politiques,
    url_portail: str,
    sur_existant: str,
    nom_source: str,
) -> list[LigneRapport]:
    # Lock the organisme for the batch: two imports into it take turns (PostgreSQL's READ
    # COMMITTED would let both see an e-mail as free; SQLite's BEGIN IMMEDIATE already does).
    organisme = uow.organismes.par_siret(analyse.organisme_siret, verrouiller=True)
    assert organisme is not None  # organismes are never deleted
    maintenant = uow.maintenant()
    unites = _unites(uow, organisme, acteur, {v["unite"] for _, v in lot if v["unite"]})
    # Checked again inside the transaction: a re-run, or a concurrent import, may have created
    # some of these accounts since pass 1.
    existants = uow.comptes.par_emails(organisme.id, [v["email_cle"] for _, v in lot])  # type: ignore[arg-type]
    issue: list[LigneRapport] = []
    nouveaux: list[tuple[int, dict[str, Any]]] = []
    for numero, v in lot:
        existant = existants.get(v["email_cle"])
        if existant is None:
            nouveaux.append((numero, v))
        elif sur_existant == "update":
            _mettre_a_jour(uow, acteur, organisme, existant, v, unites)
            issue.append(LigneRapport(numero, "mis_a_jour", v["email"], existant.identifiant))
        else:
            issue.append(LigneRapport(numero, "existant", v["email"], existant.identifiant))
    if not nouveaux:
        uow.commit()
        return issue  # in line order: no row was created

    identifiants = uow.comptes.identifiants_libres(len(nouveaux))
    expire = maintenant + timedelta(days=politiques.temporary_password_days)
    comptes, secrets_ = [], []
    for (_, v), identifiant in zip(nouveaux, identifiants, strict=True):
        temporaire = authentifiants.generer_mot_de_passe_temporaire()
        secrets_.append(temporaire)
        compte = nouveau_compte(
            identifiant=identifiant,
            organisme_id=organisme.id,  # type: ignore[arg-type]
            textes={c.nom: v[c.nom] for c in TEXTES_LIBRES},
            email=v["email"],
            telephone_fixe=v["telephone_fixe"],
            telephone_mobile=v["telephone_mobile"],
            niveau_habilitation=v["niveau_habilitation"],
            unite_id=unites[cle_unite(v["unite"])] if v["unite"] else None,
            role=Role.ADMINISTRATEUR_DELEGUE if v["delegue"] else Role.GESTIONNAIRE,
            temporaire=temporaire,
            temporaire_expire_le=expire,
            maintenant=maintenant,
        )
        comptes.append(compte)
    ids = uow.comptes.inserer_en_masse(comptes)
    courriels = []
    for (numero, v), compte, temporaire in zip(nouveaux, comptes, secrets_, strict=True):
        courriels.append(
            courrier.ligne_message(
                ids[compte["identifiant"]],
                compte["email"],
                courrier.courriel_temporaire(
                    compte["prenom"], compte["nom"], organisme, expire, url_portail
                ),
                maintenant,
                secret=temporaire,
                expire_le=expire,
            )
        )
        uow.auditer(
            "compte_cree",
            acteur=acteur.identifiant,
            organisme=organisme.siret,
            cible=compte["identifiant"],
            details={
                **{c.nom: compte[c.nom] for c in TEXTES_LIBRES},
                "email": compte["email"],
                "role": compte["role"],
                "unite": v["unite"],
                "niveau_habilitation": compte["niveau_habilitation"],
                "import": {"source": nom_source[:200], "ligne": numero},
            },
        )
        issue.append(LigneRapport(numero, "cree", compte["email"], compte["identifiant"]))
    uow.courrier.inserer_en_masse(courriels)
    uow.commit()
    issue.sort(key=lambda ligne: ligne.ligne)  # the report merges in line order
    return issue


def _mettre_a_jour(
    uow: UniteDeTravail,
    acteur: Acteur,
    organisme: Organisme,
    compte: Compte,
    v: dict[str, Any],
    unites: dict[str, int],
) -> None:
    unite_avant = uow.unites.par_id(compte.unite_id) if compte.unite_id else None
    avant = vue_compte(compte, organisme, unite_avant.libelle if unite_avant else None)
    for champ in TEXTES_LIBRES:
        setattr(compte, champ.nom, v[champ.nom])
    compte.telephone_fixe, compte.telephone_mobile = v["telephone_fixe"], v["telephone_mobile"]
    compte.niveau_habilitation = v["niveau_habilitation"]
    compte.unite_id = unites[cle_unite(v["unite"])] if v["unite"] else None
    if compte.role != Role.ADMINISTRATEUR_PRINCIPAL.value:
        compte.role = (Role.ADMINISTRATEUR_DELEGUE if v["delegue"] else Role.GESTIONNAIRE).value
    apres = vue_compte(compte, organisme, v["unite"])
    changements = differences(avant, apres)
    if changements:
        compte.modifie_le = uow.maintenant()
        compte.recherche = texte_de_recherche(compte)
        action = "compte_modifie"
        if "role" in changements["apres"]:
            action = "delegue_attribue" if v["delegue"] else "delegue_retire"
        uow.auditer(
            action,
            acteur=acteur.identifiant,
            organisme=organisme.siret,
            cible=compte.identifiant,
            details={**changements, "import": True},
        )
