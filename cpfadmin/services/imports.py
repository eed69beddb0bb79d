"""Bulk creation of gestionnaires from a spreadsheet, and the export that re-imports (SPEC §6).

An import reads its source twice, streaming:

1. ``analyser`` validates every row (same rules as ``gestionnaires add``, plus duplicates in
   the file and accounts that already exist) and keeps the valid rows, normalised, in a spool
   file; nothing is written to the store. ``--dry-run`` stops there.
2. ``importer`` writes the valid rows in batches: each batch's accounts, audit events and
   e-mails commit together, and every batch checks again which e-mails already exist, so an
   import killed at any point leaves no half-created account and simply runs again.

Memory stays flat whatever the size of the file: rows are read, checked and written a batch at
a time; only the set of e-mails seen in the file grows with it.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from cpfadmin.adapters.fichiers import Source
from cpfadmin.domain import credentials, tableur, validation
from cpfadmin.domain.errors import DonneeInvalide
from cpfadmin.domain.permissions import Action, autorise, verifier
from cpfadmin.domain.politique import Politiques
from cpfadmin.domain.roles import Role, StatutCompte
from cpfadmin.services import courrier
from cpfadmin.services.acteur import Acteur
from cpfadmin.services.comptes import (
    DonneesCompte,
    exiger_organisme_actif,
    nouveau_compte,
    organisme_vise,
    texte_de_recherche,
)
from cpfadmin.services.gestionnaires import filtres_comptes
from cpfadmin.services.unites import cle as cle_unite
from cpfadmin.store.models import Compte, Organisme, Unite
from cpfadmin.store.uow import UniteDeTravail

LOT = 2000
SUR_EXISTANT = ("skip", "update", "fail")


@dataclass
class LigneRapport:
    ligne: int
    resultat: str  # cree, mis_a_jour, existant, rejete (a_creer, a_mettre_a_jour: dry-run)
    email: str | None = None
    identifiant: str | None = None
    colonne: str | None = None
    raison: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ligne": self.ligne,
            "resultat": self.resultat,
            "identifiant": self.identifiant,
            "email": self.email,
            "colonne": self.colonne,
            "raison": self.raison,
        }


class JournalRapport:
    """The per-row report, spooled to temporary files (an import may have 100,000 rows):
    one entry per row from the validation pass, then one per written row from the writing
    pass, both in file order, merged when read."""

    def __init__(self) -> None:
        # Closed by fermer(), once the command has rendered the report.
        self._analyse = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._ecriture = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.compteurs: dict[str, int] = {}

    def ajouter(self, ligne: LigneRapport, *, ecriture: bool = False) -> None:
        self.compteurs[ligne.resultat] = self.compteurs.get(ligne.resultat, 0) + 1
        (self._ecriture if ecriture else self._analyse).write(
            json.dumps(ligne.as_dict(), ensure_ascii=False) + "\n"
        )

    def lignes(self) -> Iterator[dict[str, Any]]:
        """Every row of the report in file order: the outcome of the writing pass for the
        rows it wrote, the validation's verdict for the others."""
        for spool in (self._analyse, self._ecriture):
            spool.flush()
            spool.seek(0)
        ecrites = (json.loads(t) for t in self._ecriture)
        for texte in self._analyse:
            entree = json.loads(texte)
            if entree["resultat"] in ("a_creer", "a_mettre_a_jour"):
                ecrite = next(ecrites, None)
                if ecrite is not None:
                    entree = ecrite
            yield entree
        self._analyse.seek(0, 2)
        self._ecriture.seek(0, 2)

    def fermer(self) -> None:
        self._analyse.close()
        self._ecriture.close()


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


@dataclass
class Colonnes:
    """How the file's headers are read."""

    correspondance: dict[str, str]  # header as written → column
    secours: dict[str, str]  # column → header read where the first one's cell is empty
    inconnues: list[str]  # headers that name no column (all empty: checked by the caller)
    ignorees: list[str]  # export-only columns, and those set aside by --ignorer-colonne


def _libelle(colonne: str) -> str:
    return validation.libelle_champ(colonne).lower()


def _colonnes(source: Source, regles: tableur.Regles) -> Colonnes:
    """Header as written → canonical column, by the synonym table and the command line; a
    missing required column says what to rename, and which header may be it."""
    correspondance: dict[str, str] = {}
    secours: dict[str, str] = {}
    inconnues, ignorees = [], []
    vues: dict[str, tuple[str, int]] = {}  # column → (header, rank)
    for entete in source.entetes:
        if not entete:
            continue
        if regles.ignoree(entete):
            ignorees.append(entete)
            continue
        lu = regles.lire(entete)
        if lu is None:
            inconnues.append(entete)
            continue
        colonne, rang = lu
        if colonne in vues:
            autre, rang_autre = vues[colonne]
            if rang == rang_autre or colonne in secours:
                raise DonneeInvalide(
                    f"Les colonnes « {autre} » et « {entete} » désignent toutes deux "
                    f'{_libelle(colonne)} : gardez-en une (--ignorer-colonne "{entete}" ou '
                    f'--ignorer-colonne "{autre}") ; rien n\'a été importé.',
                    champ="fichier",
                )
            principale, secondaire = (autre, entete) if rang_autre < rang else (entete, autre)
            correspondance.pop(secondaire, None)
            correspondance[principale] = colonne
            secours[colonne] = secondaire
            vues[colonne] = (principale, min(rang, rang_autre))
            continue
        vues[colonne] = (entete, rang)
        if colonne in tableur.COLONNES_EXPORT_SEULEMENT:
            ignorees.append(entete)
            continue
        correspondance[entete] = colonne
    manquantes = [c for c in tableur.OBLIGATOIRES if c not in correspondance.values()]
    if manquantes:
        raise DonneeInvalide(_message_manquantes(source, manquantes, inconnues), champ="fichier")
    return Colonnes(correspondance, secours, inconnues, ignorees)


def _message_manquantes(source: Source, manquantes: list[str], inconnues: list[str]) -> str:
    lues = ", ".join(f"« {e} »" for e in source.entetes if e) or "aucun"
    texte = (
        f"Colonne(s) obligatoire(s) absente(s) : {', '.join(_libelle(c) for c in manquantes)} "
        f"(en-têtes lus ligne {source.ligne_entete}"
        + (f", feuille « {source.feuille} »" if source.feuille else "")
        + f" : {lues})."
    )
    pistes = []
    for colonne in manquantes:
        for entete in inconnues:
            if colonne in tableur.colonnes_proches(entete):
                pistes.append(f'--colonne {colonne}="{entete}"')
    if pistes:
        texte += " Si c'est bien elle, indiquez-la : " + " ".join(pistes) + "."
    else:
        texte += (
            " Renommez l'en-tête de la colonne (« Nom », « Prénom », « E-mail »…) ou indiquez-la :"
            f' --colonne {manquantes[0]}="En-tête du fichier".'
        )
    if not source.entete_trouvee and (source.ligne_entete > 1 or source.avant_entete):
        texte += (
            f" Aucune des {tableur.LIGNES_AVANT_ENTETE} premières lignes ne porte les colonnes nom, "
            "prénom et e-mail."
        )
    autres = [f for f in source.feuilles if f != source.feuille]
    if autres:
        texte += (
            " Autres feuilles du classeur : "
            + ", ".join(f"« {f} »" for f in autres)
            + " (--feuille NOM)."
        )
    return texte


def verifier_colonnes_inconnues(source: Source, colonnes: Colonnes) -> list[str]:
    """No column is dropped in silence: an unknown header with a value in any row stops the
    import before anything is written, naming it, the closest column and how to go on. The
    unknown headers that are empty throughout are returned (the caller warns of them)."""
    if not colonnes.inconnues:
        return []
    remplies: dict[str, int] = {}
    for ligne in source.lignes():
        for entete in colonnes.inconnues:
            if entete not in remplies and tableur.texte_de_cellule(ligne.valeurs.get(entete)):
                remplies[entete] = ligne.numero
        if len(remplies) == len(colonnes.inconnues):
            break
    if remplies:
        raise DonneeInvalide(
            " ".join(_message_inconnue(e, n) for e, n in remplies.items())
            + " Rien n'a été importé.",
            champ="fichier",
        )
    return list(colonnes.inconnues)


def _message_inconnue(entete: str, numero: int) -> str:
    proches = tableur.colonnes_proches(entete)
    cible = proches[0] if proches else "CHAMP"
    devinette = (
        " : vouliez-vous dire " + " ou ".join(f"« {c} »" for c in proches) + " ?" if proches else ""
    )
    return (
        f"Colonne « {entete} » inconnue, remplie (ligne {numero}){devinette} Renommez "
        f'l\'en-tête, indiquez la colonne (--colonne {cible}="{entete}") ou écartez-la '
        f'(--ignorer-colonne "{entete}").'
    )


class _Rejet(Exception):
    def __init__(self, colonne: str | None, raison: str) -> None:
        self.colonne, self.raison = colonne, raison


def _cellules(valeurs: dict[str, Any], colonnes: Colonnes) -> dict[str, str | None]:
    cellules: dict[str, str | None] = dict.fromkeys(tableur.COLONNES_IMPORT)
    correspondance = colonnes.correspondance
    for entete, brut in valeurs.items():
        colonne = correspondance.get(entete)
        if colonne is None:
            continue
        if colonne in colonnes.secours and tableur.texte_de_cellule(brut) is None:
            brut = valeurs.get(colonnes.secours[colonne])
        if isinstance(brut, (dict, list)):
            raise _Rejet(
                colonne,
                f"{validation.libelle_champ(colonne)} : une valeur simple est attendue, pas un "
                "objet ou une liste.",
            )
        if colonne == "administrateur_delegue" and isinstance(brut, (bool, int, float)):
            cellules[colonne] = brut  # type: ignore[assignment]
            continue
        texte = tableur.texte_de_cellule(brut)
        if texte is not None and len(texte) > 1000:
            raise _Rejet(
                colonne,
                f"{validation.libelle_champ(colonne)} : valeur trop longue ({len(texte)} "
                "caractères).",
            )
        cellules[colonne] = texte
    return cellules


def _normaliser(cellules: dict[str, Any], peut_deleguer: bool) -> dict[str, Any]:
    """A row's cells → the account to create, or ``_Rejet`` naming the column and reason."""
    try:
        donnees = DonneesCompte.valider(
            nom=cellules["nom"],
            prenom=cellules["prenom"],
            email=cellules["email"],
            telephone_fixe=cellules["telephone_fixe"],
            telephone_mobile=cellules["telephone_mobile"],
            niveau=cellules["niveau_habilitation"],
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
        raise _Rejet(colonne, e.message) from None
    if delegue and not peut_deleguer:
        raise _Rejet(
            "administrateur_delegue",
            "Seuls l'administrateur principal et la CDC nomment des administrateurs délégués.",
        )
    return {
        "nom": donnees.nom,
        "prenom": donnees.prenom,
        "email": donnees.email,
        "email_cle": validation.cle_email(donnees.email),
        "telephone_fixe": donnees.telephone_fixe,
        "telephone_mobile": donnees.telephone_mobile,
        "niveau_habilitation": donnees.niveau.value if donnees.niveau else None,
        "unite": unite,
        "delegue": delegue,
    }


def _par_lots(iterable: Iterator[Any], taille: int) -> Iterator[list[Any]]:
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
            "Opérateur : indiquez l'organisme où importer avec --organisme SIRET (sans lui, "
            "les comptes iraient dans l'organisme CDC) ; rien n'a été importé.",
            champ="organisme",
            suggestion="cpfadmin gestionnaires import FICHIER --organisme SIRET",
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
        raise DonneeInvalide(f"--on-existing : {sur_existant} (skip, update ou fail).")
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
    colonnes = _colonnes(source, regles or tableur.Regles())
    inconnues = verifier_colonnes_inconnues(source, colonnes)
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
        for lot in _par_lots(source.lignes(), LOT):
            prets: list[tuple[int, dict[str, Any]]] = []
            entrees: list[LigneRapport] = []  # written in line order at the end of the batch
            for ligne in lot:
                try:
                    ligne_valide = _normaliser(_cellules(ligne.valeurs, colonnes), peut_deleguer)
                    cle = ligne_valide["email_cle"]
                    if cle in vus:
                        raise _Rejet(
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
                            raise _Rejet(
                                "unite",
                                f"Unité inconnue : « {ligne_valide['unite']} » (créez-la, ou "
                                "relancez avec --create-unites).",
                            )
                    prets.append((ligne.numero, ligne_valide))
                except _Rejet as r:
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
        for lot in _par_lots((json.loads(t) for t in f), LOT):
            issue = executer(
                lambda uow, lot=lot: _ecrire_lot(
                    uow, acteur, analyse, lot, politiques, url_portail, sur_existant, nom_source
                )
            )
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
        temporaire = credentials.generer_mot_de_passe_temporaire()
        secrets_.append(temporaire)
        compte = nouveau_compte(
            identifiant=identifiant,
            organisme_id=organisme.id,  # type: ignore[arg-type]
            nom=v["nom"],
            prenom=v["prenom"],
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
                "nom": compte["nom"],
                "prenom": compte["prenom"],
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
    from cpfadmin.services.comptes import differences, vue_compte

    unite_avant = uow.unites.par_id(compte.unite_id) if compte.unite_id else None
    avant = vue_compte(compte, organisme, unite_avant.libelle if unite_avant else None)
    compte.nom, compte.prenom = v["nom"], v["prenom"]
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


# --- export -------------------------------------------------------------------------------------
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
        "nom": compte.nom,
        "prenom": compte.prenom,
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
