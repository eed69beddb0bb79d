"""An import of gestionnaires from a spreadsheet, pass 1 (SPEC §6). An import reads its source
twice, streaming:

1. ``analyser`` (here) validates every row (same rules as ``gestionnaires add``, plus
   duplicates in the file and accounts that already exist) and keeps the valid rows,
   normalised, in a spool file; nothing is written to the store. ``--dry-run`` stops there.
2. ``ecriture_import.importer`` writes the valid rows in batches: each batch's accounts, audit
   events and e-mails commit together, and every batch checks again which e-mails already
   exist, so an import killed at any point leaves no half-created account and simply runs
   again.

Memory stays flat whatever the size of the file: rows are read, checked and written a batch at
a time; only the set of e-mails seen in the file grows with it. The headers are read by
``domain.entetes``, the per-row report is spooled by ``rapport_import``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpfadmin.adapters.fichiers import Source
from cpfadmin.domain import entetes, tableur, validation
from cpfadmin.domain.champs import TEXTES_LIBRES
from cpfadmin.domain.errors import Commande, DonneeInvalide, Option
from cpfadmin.domain.permissions import Action, autorise, verifier
from cpfadmin.domain.roles import Role, StatutCompte
from cpfadmin.services.acteur import Acteur
from cpfadmin.services.comptes import DonneesCompte, exiger_organisme_actif, organisme_vise
from cpfadmin.services.rapport_import import JournalRapport, LigneRapport
from cpfadmin.services.unites import cle as cle_unite
from cpfadmin.store.models import Compte
from cpfadmin.store.uow import UniteDeTravail

# Rows per batch, in both passes: one query for the e-mails that exist, one transaction.
LOT = 2000
SUR_EXISTANT = ("skip", "update", "fail")


@dataclass
class Analyse:
    """What pass 1 found; its ``valides`` spool feeds pass 2."""

    organisme_siret: str
    source: str
    colonnes_inconnues: list[str]
    colonnes_ignorees: list[str]
    rapport: JournalRapport
    valides: Path
    a_creer: int = 0
    a_mettre_a_jour: int = 0
    existants: int = 0
    rejetes: int = 0
    unites_a_creer: list[str] = field(default_factory=list)
    organisme_raison_sociale: str = ""
    # column → (header read, header read where its cell is empty): « Nom d'usage », else
    # « Nom de naissance »
    secours: dict[str, tuple[str, str]] = field(default_factory=dict)
    feuille: str | None = None
    ligne_entete: int = 1
    avant_entete: list[tuple[int, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.a_creer + self.a_mettre_a_jour + self.existants + self.rejetes


def _normaliser(cellules: dict[str, Any], peut_deleguer: bool) -> dict[str, Any]:
    """A row's cells → the account to create, or ``entetes.Rejet`` naming the column and reason."""
    try:
        donnees = DonneesCompte.valider(
            email=cellules["email"],
            telephone_fixe=cellules["telephone_fixe"],
            telephone_mobile=cellules["telephone_mobile"],
            niveau=cellules["niveau_habilitation"],
            **{c.nom: cellules[c.nom] for c in TEXTES_LIBRES},
        )
        delegue = tableur.delegue(cellules["administrateur_delegue"])
        unite = (
            validation.texte(
                cellules["unite"], "unite", longueur_max=validation.LONGUEUR_MAX_LIBELLE
            )
            if cellules["unite"]
            else None
        )
    except DonneeInvalide as e:
        colonne = e.champ if e.champ != "telephone" else "telephone_fixe/telephone_mobile"
        raise entetes.Rejet(colonne, e.texte) from None
    if delegue and not peut_deleguer:
        raise entetes.Rejet(
            "administrateur_delegue",
            "Seuls l'administrateur principal et la CDC nomment des administrateurs délégués.",
        )
    return {
        **donnees.textes,
        "email": donnees.email,
        "email_cle": validation.cle_email(donnees.email),
        "telephone_fixe": donnees.telephone_fixe,
        "telephone_mobile": donnees.telephone_mobile,
        "niveau_habilitation": donnees.niveau.value if donnees.niveau else None,
        "unite": unite,
        "delegue": delegue,
    }


def par_lots(iterable: Iterator[Any], taille: int) -> Iterator[list[Any]]:
    lot: list[Any] = []
    for element in iterable:
        lot.append(element)
        if len(lot) == taille:
            yield lot
            lot = []
    if lot:
        yield lot


def exiger_organisme(acteur: Acteur, organisme_siret: str | None) -> None:
    """An operator names the organisme he imports into: by default his own would be the CDC
    (whose agents are not in an employer's file). An administrator imports into his own."""
    if acteur.est_operateur and not organisme_siret:
        raise DonneeInvalide(
            (
                "Opérateur : indiquez l'organisme où importer avec ",
                Option("organisme", "SIRET"),
                " (sans lui, les comptes iraient dans l'organisme CDC) ; rien n'a été importé.",
            ),
            champ="organisme",
            suggestion=Commande("gestionnaires import", "FICHIER", Option("organisme", "SIRET")),
        )


def analyser(
    uow: UniteDeTravail,
    acteur: Acteur,
    source: Source,
    *,
    organisme_siret: str | None = None,
    sur_existant: str = "skip",
    creer_unites: bool = False,
    regles: tableur.Regles | None = None,
    progression: Callable[[int], None] | None = None,
) -> Analyse:
    """Pass 1: validate every row, write nothing. Raises ``AccesRefuse`` (as ``add``) and
    ``DonneeInvalide`` for a file that cannot be read or lacks a required column."""
    if sur_existant not in SUR_EXISTANT:
        raise DonneeInvalide(
            (Option("on_existing"), f" : {sur_existant} (skip, update ou fail)."),
            champ="on_existing",
        )
    exiger_organisme(acteur, organisme_siret)
    organisme = organisme_vise(uow, acteur, organisme_siret)
    verifier(Action.GESTIONNAIRE_AJOUTER, acteur.habilitation, organisme.id)  # type: ignore[arg-type]
    exiger_organisme_actif(organisme)
    peut_deleguer = autorise(
        Action.DELEGUE_ATTRIBUER,
        acteur.habilitation,
        organisme.id,
        role_cible=Role.GESTIONNAIRE,  # type: ignore[arg-type]
    )
    colonnes = entetes.lire_colonnes(source, regles or tableur.Regles())
    inconnues = entetes.verifier_colonnes_inconnues(source, colonnes)
    correspondance = colonnes.correspondance
    unites = {u.libelle_cle: u.libelle for u in uow.unites.de(organisme.id)}  # type: ignore[arg-type]
    a_creer_unites: dict[str, str] = {}
    rapport = JournalRapport()
    spool = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, removed by the caller
        "w", encoding="utf-8", prefix="cpfadmin-valides-", delete=False
    )
    analyse = Analyse(
        organisme_siret=organisme.siret,
        organisme_raison_sociale=organisme.raison_sociale,
        source=source.description,
        colonnes_inconnues=inconnues,
        colonnes_ignorees=colonnes.ignorees,
        secours={
            c: (p, colonnes.secours[c]) for p, c in correspondance.items() if c in colonnes.secours
        },
        feuille=source.feuille,
        ligne_entete=source.ligne_entete,
        avant_entete=source.avant_entete,
        rapport=rapport,
        valides=Path(spool.name),
    )
    vus: dict[str, int] = {}
    lus = 0
    with spool:
        for lot in par_lots(source.lignes(), LOT):
            prets: list[tuple[int, dict[str, Any]]] = []
            entrees: list[LigneRapport] = []  # written in line order at the end of the batch
            for ligne in lot:
                try:
                    ligne_valide = _normaliser(
                        entetes.cellules(ligne.valeurs, colonnes), peut_deleguer
                    )
                    cle = ligne_valide["email_cle"]
                    if cle in vus:
                        raise entetes.Rejet(
                            "email", f"E-mail en double dans le fichier (déjà ligne {vus[cle]})."
                        )
                    vus[cle] = ligne.numero
                    if ligne_valide["unite"]:
                        cu = cle_unite(ligne_valide["unite"])
                        if cu in unites:
                            ligne_valide["unite"] = unites[cu]
                        elif creer_unites:
                            a_creer_unites.setdefault(cu, ligne_valide["unite"])
                            ligne_valide["unite"] = a_creer_unites[cu]
                        else:
                            raise entetes.Rejet(
                                "unite",
                                (
                                    f"Unité inconnue : « {ligne_valide['unite']} » (créez-la, "
                                    "ou relancez avec ",
                                    Option("create_unites"),
                                    ").",
                                ),
                            )
                    prets.append((ligne.numero, ligne_valide))
                except entetes.Rejet as r:
                    analyse.rejetes += 1
                    email = tableur.texte_de_cellule(
                        next(
                            (
                                v
                                for k, v in ligne.valeurs.items()
                                if correspondance.get(k) == "email"
                            ),
                            None,
                        )
                    )
                    entrees.append(
                        LigneRapport(ligne.numero, "rejete", email, None, r.colonne, r.raison)
                    )
            existants = uow.comptes.par_emails(organisme.id, [v["email_cle"] for _, v in prets])  # type: ignore[arg-type]
            for numero, v in prets:
                existant = existants.get(v["email_cle"])
                if existant is None:
                    analyse.a_creer += 1
                    entrees.append(LigneRapport(numero, "a_creer", v["email"]))
                    spool.write(json.dumps([numero, v], ensure_ascii=False) + "\n")
                elif sur_existant == "fail":
                    analyse.rejetes += 1
                    entrees.append(
                        LigneRapport(
                            numero,
                            "rejete",
                            v["email"],
                            existant.identifiant,
                            "email",
                            f"Un compte existe déjà avec cet e-mail : {existant.identifiant}.",
                        )
                    )
                elif sur_existant == "update":
                    raison = _refus_mise_a_jour(acteur, existant, v)
                    if raison:
                        analyse.rejetes += 1
                        entrees.append(
                            LigneRapport(
                                numero, "rejete", v["email"], existant.identifiant, None, raison
                            )
                        )
                    else:
                        analyse.a_mettre_a_jour += 1
                        entrees.append(
                            LigneRapport(
                                numero, "a_mettre_a_jour", v["email"], existant.identifiant
                            )
                        )
                        spool.write(json.dumps([numero, v], ensure_ascii=False) + "\n")
                else:
                    analyse.existants += 1
                    entrees.append(
                        LigneRapport(numero, "existant", v["email"], existant.identifiant)
                    )
            for entree in sorted(entrees, key=lambda e: e.ligne):
                rapport.ajouter(entree)
            lus += len(lot)
            if progression:
                progression(lus)
    analyse.unites_a_creer = sorted(a_creer_unites.values())
    return analyse


def _refus_mise_a_jour(acteur: Acteur, compte: Compte, v: dict[str, Any]) -> str | None:
    role = Role(compte.role)
    if compte.statut != StatutCompte.ACTIF.value:
        return f"Le compte {compte.identifiant} est {compte.statut} : réactivez-le d'abord."
    if not autorise(
        Action.COMPTE_MODIFIER,
        acteur.habilitation,
        compte.organisme_id,
        role_cible=role,
        compte_cible_id=compte.id,
    ):
        return (
            f"Votre compte ne permet pas de modifier {compte.identifiant} ({role.libelle.lower()})."
        )
    voulu = Role.ADMINISTRATEUR_DELEGUE if v["delegue"] else Role.GESTIONNAIRE
    if (
        role is not Role.ADMINISTRATEUR_PRINCIPAL
        and voulu is not role
        and not autorise(
            Action.DELEGUE_ATTRIBUER,
            acteur.habilitation,
            compte.organisme_id,
            role_cible=role,
            compte_cible_id=compte.id,
        )
    ):
        return "Seuls l'administrateur principal et la CDC nomment ou retirent des délégués."
    return None
