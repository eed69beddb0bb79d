"""How an import reads a spreadsheet's header row (SPEC §6): each header as written → the
column it names, by the synonym table of ``tableur`` and the command line's --colonne and
--ignorer-colonne; a missing required column, or an unknown one with values, stops the import
before anything is written, saying what to rename or which option to add. Then a row's cells,
by column. Pure: the source is anything shaped like ``Tableau``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from cpfadmin.domain import tableur, validation
from cpfadmin.domain.errors import DonneeInvalide, Option, Texte


class LigneLue(Protocol):
    numero: int  # the line, as the spreadsheet shows it
    valeurs: dict[str, Any]  # header as written → cell


class Tableau(Protocol):
    """What the mapping reads of a source (``adapters.fichiers.Source`` is one)."""

    entetes: list[str]
    ligne_entete: int
    avant_entete: list[tuple[int, str]]
    entete_trouvee: bool
    feuille: str | None
    feuilles: list[str]

    def lignes(self) -> Iterator[LigneLue]: ...


@dataclass
class Colonnes:
    """How the file's headers are read."""

    correspondance: dict[str, str]  # header as written → column
    secours: dict[str, str]  # column → header read where the first one's cell is empty
    inconnues: list[str]  # headers that name no column (all empty: checked by the caller)
    ignorees: list[str]  # export-only columns, and those set aside by --ignorer-colonne


def _libelle(colonne: str) -> str:
    return validation.libelle_champ(colonne).lower()


def lire_colonnes(source: Tableau, regles: tableur.Regles) -> Colonnes:
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
                    (
                        f"Les colonnes « {autre} » et « {entete} » désignent toutes deux "
                        f"{_libelle(colonne)} : gardez-en une (",
                        Option("ignorer_colonne", f'"{entete}"'),
                        " ou ",
                        Option("ignorer_colonne", f'"{autre}"'),
                        ") ; rien n'a été importé.",
                    ),
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


def _message_manquantes(
    source: Tableau, manquantes: list[str], inconnues: list[str]
) -> tuple[Texte, ...]:
    lues = ", ".join(f"« {e} »" for e in source.entetes if e) or "aucun"
    texte = (
        f"Colonne(s) obligatoire(s) absente(s) : {', '.join(_libelle(c) for c in manquantes)} "
        f"(en-têtes lus ligne {source.ligne_entete}"
        + (f", feuille « {source.feuille} »" if source.feuille else "")
        + f" : {lues})."
    )
    pistes: list[Texte] = []
    for colonne in manquantes:
        for entete in inconnues:
            if colonne in tableur.colonnes_proches(entete):
                pistes += [" " if pistes else "", Option("colonne", f'{colonne}="{entete}"')]
    parties: list[Texte] = [texte]
    if pistes:
        parties += [" Si c'est bien elle, indiquez-la : ", *pistes, "."]
    else:
        parties += [
            " Renommez l'en-tête de la colonne (« Nom », « Prénom », « E-mail »…) ou indiquez-la : ",
            Option("colonne", f'{manquantes[0]}="En-tête du fichier"'),
            ".",
        ]
    texte = ""
    if not source.entete_trouvee and (source.ligne_entete > 1 or source.avant_entete):
        texte += (
            f" Aucune des {tableur.LIGNES_AVANT_ENTETE} premières lignes ne porte les colonnes nom, "
            "prénom et e-mail."
        )
    autres = [f for f in source.feuilles if f != source.feuille]
    if autres:
        texte += " Autres feuilles du classeur : " + ", ".join(f"« {f} »" for f in autres) + " ("
    parties.append(texte)
    if autres:
        parties += [Option("feuille", "NOM"), ")."]
    return tuple(parties)


def verifier_colonnes_inconnues(source: Tableau, colonnes: Colonnes) -> list[str]:
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
        parties: list[Texte] = []
        for entete, numero in remplies.items():
            parties += [*([" "] if parties else []), *_message_inconnue(entete, numero)]
        raise DonneeInvalide((*parties, " Rien n'a été importé."), champ="fichier")
    return list(colonnes.inconnues)


def _message_inconnue(entete: str, numero: int) -> tuple[Texte, ...]:
    proches = tableur.colonnes_proches(entete)
    cible = proches[0] if proches else "CHAMP"
    devinette = (
        " : vouliez-vous dire " + " ou ".join(f"« {c} »" for c in proches) + " ?" if proches else ""
    )
    return (
        f"Colonne « {entete} » inconnue, remplie (ligne {numero}){devinette} Renommez "
        "l'en-tête, indiquez la colonne (",
        Option("colonne", f'{cible}="{entete}"'),
        ") ou écartez-la (",
        Option("ignorer_colonne", f'"{entete}"'),
        ").",
    )


class Rejet(Exception):
    """A row the import sets aside, the column at fault and why: it never leaves the import,
    it becomes a line of the report."""

    def __init__(self, colonne: str | None, raison: Texte) -> None:
        self.colonne, self.raison = colonne, raison


def cellules(valeurs: dict[str, Any], colonnes: Colonnes) -> dict[str, str | None]:
    cellules: dict[str, str | None] = dict.fromkeys(tableur.COLONNES_IMPORT)
    correspondance = colonnes.correspondance
    for entete, brut in valeurs.items():
        colonne = correspondance.get(entete)
        if colonne is None:
            continue
        if colonne in colonnes.secours and tableur.texte_de_cellule(brut) is None:
            brut = valeurs.get(colonnes.secours[colonne])
        if isinstance(brut, (dict, list)):
            raise Rejet(
                colonne,
                f"{validation.libelle_champ(colonne)} : une valeur simple est attendue, pas un "
                "objet ou une liste.",
            )
        if colonne == "administrateur_delegue" and isinstance(brut, (bool, int, float)):
            cellules[colonne] = brut  # type: ignore[assignment]
            continue
        texte = tableur.texte_de_cellule(brut)
        if texte is not None and len(texte) > 1000:
            raise Rejet(
                colonne,
                f"{validation.libelle_champ(colonne)} : valeur trop longue ({len(texte)} "
                "caractères).",
            )
        cellules[colonne] = texte
    return cellules
