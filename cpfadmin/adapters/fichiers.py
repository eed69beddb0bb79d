"""Reading and writing the files administrators really have (SPEC §6): CSV as Excel and
LibreOffice write it in France (``;`` or ``,``, UTF-8 with or without BOM, or Windows-1252),
workbooks — XLSX, XLSM, Strict Open XML, XLS 97 and ODS, read by calamine — and JSON arrays
and NDJSON. The format is decided by the file's content, not its name. The header may sit
below title rows; in a workbook, the sheet holding the table is found (or named).

CSV, JSON and NDJSON are streamed: a source can be read twice (validation, then writing)
without holding the file in memory. A workbook holds one sheet in memory (calamine reads a
sheet whole)."""

from __future__ import annotations

import codecs
import csv
import json
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from cpfadmin.domain import tableur
from cpfadmin.domain.errors import DonneeInvalide, Option
from cpfadmin.domain.tableur import neutraliser

T = TypeVar("T")

FORMATS = ("csv", "xlsx", "xls", "ods", "json", "ndjson")
CLASSEURS = ("xlsx", "xls", "ods", "fods")
# What ``export`` writes, by the extension of --fichier.
EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
}
TAILLE_MAX_CELLULE = 10_000
OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")  # XLS 97, or an encrypted OOXML workbook
PROTEGE = "classeur protégé par mot de passe : enregistrez-le sans mot de passe, puis relancez."
NOM_FORMAT = {"xlsx": "XLSX", "xls": "XLS", "ods": "ODS", "fods": "ODS (XML plat)"}


@dataclass(frozen=True)
class Ligne:
    numero: int  # as the spreadsheet shows it (the first row is line 1); element n° for JSON
    valeurs: dict[str, Any]  # header as written → cell


@dataclass
class Source:
    """A file of rows with a header; ``lignes()`` may be called more than once."""

    format: str = ""
    description: str = ""
    entetes: list[str] = field(default_factory=list)
    ligne_entete: int = 1  # the header's line, as the spreadsheet shows it
    # Non-empty rows above the header (title rows), skipped: (line, their text).
    avant_entete: list[tuple[int, str]] = field(default_factory=list)
    entete_trouvee: bool = True  # False: no row of the first 20 names the required columns
    feuille: str | None = None  # the sheet read, in a workbook
    feuilles: list[str] = field(default_factory=list)  # every sheet of the workbook

    def lignes(self) -> Iterator[Ligne]:  # pragma: no cover - interface
        raise NotImplementedError


def copier_stdin() -> Path:
    """Standard input, spooled to a temporary file so that it can be read twice."""
    with tempfile.NamedTemporaryFile(prefix="cpfadmin-import-", delete=False) as fichier:
        shutil.copyfileobj(sys.stdin.buffer, fichier)
    return Path(fichier.name)


def _contient(chemin: Path, motif: bytes) -> bool:
    """Whether the file holds ``motif``, read in chunks."""
    precedent = b""
    with chemin.open("rb") as f:
        while morceau := f.read(1 << 20):
            if motif in precedent[-len(motif) :] + morceau:
                return True
            precedent = morceau
    return False


# What a workbook may cost once decompressed, checked before any reading: 100,000 agents make
# a sheet of some 30 MB; a « decompression bomb » of a few hundred KB makes gigabytes.
DECOMPRESSE_MAX = 400 * 1024 * 1024
TAUX_MAX = 150  # uncompressed / compressed, for a member past 20 MB


def _borner_zip(archive: zipfile.ZipFile, nom_affiche: str) -> None:
    total = 0
    for membre in archive.infolist():
        total += membre.file_size
        taux = membre.file_size / max(membre.compress_size, 1)
        if total > DECOMPRESSE_MAX or (membre.file_size > 20 * 1024 * 1024 and taux > TAUX_MAX):
            raise DonneeInvalide(
                f"{nom_affiche} : classeur refusé : décompressé, il ferait plus de "
                f"{max(total, membre.file_size) // (1024 * 1024)} Mo (limite "
                f"{DECOMPRESSE_MAX // (1024 * 1024)} Mo, taux de compression {taux:.0f}:1) ; "
                "ce n'est pas un tableau d'agents ordinaire.",
                champ="fichier",
            )


def _format_zip(chemin: Path, nom_affiche: str) -> str:
    """A ZIP is an XLSX (Transitional or Strict, XLSM) or an ODS; an encrypted ODS, or one
    whose decompressed size is out of bounds, is refused here, before any reading."""
    try:
        with zipfile.ZipFile(chemin) as archive:
            _borner_zip(archive, nom_affiche)
            noms = set(archive.namelist())
            if "mimetype" in noms:
                genre = archive.read("mimetype")[:100]
                if b"opendocument.spreadsheet" in genre:
                    if "META-INF/manifest.xml" in noms and b"encryption-data" in archive.read(
                        "META-INF/manifest.xml"
                    ):
                        raise DonneeInvalide(f"{nom_affiche} : {PROTEGE}", champ="fichier")
                    return "ods"
            if "xl/workbook.xml" in noms or "[Content_Types].xml" in noms:
                return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError):
        return "xlsx"  # a damaged workbook, most likely: its reader says so
    raise DonneeInvalide(
        f"{nom_affiche} : classeur XLSX illisible (archive ZIP qui ne contient ni un classeur "
        "XLSX ni un classeur ODS).",
        champ="fichier",
    )


def deviner_format(chemin: Path, nom_affiche: str) -> str:
    """The format of a file, from its first bytes (a workbook's name may lie: standard input
    has none, and an ODS renamed .xlsx is still an ODS)."""
    with chemin.open("rb") as f:
        debut = f.read(4096)
    if debut.startswith(OLE2):
        return "xls"  # the reader tells an encrypted OOXML from an XLS
    if debut.startswith(b"PK\x03\x04"):
        return _format_zip(chemin, nom_affiche)
    texte = debut.lstrip(codecs.BOM_UTF8).lstrip()
    if texte.startswith(b"<") and b"urn:oasis:names:tc:opendocument:xmlns:office" in debut:
        return "fods"  # flat ODS: one XML file
    # A text file: its extension says which text format, else its first character.
    extension = EXTENSIONS.get(Path(nom_affiche).suffix.lower())
    if extension in ("csv", "json", "ndjson"):
        return extension
    if texte.startswith(b"["):
        return "json"
    if texte.startswith(b"{"):
        return "ndjson"
    return "csv"


def verifier_lisible(chemin: Path, nom_affiche: str, format_: str | None = None) -> None:
    """What is refused before a file is read: absent, a folder, an unknown ``--format``
    (checked the same way before a remote import sends it)."""
    if not chemin.exists():
        raise DonneeInvalide(f"Fichier introuvable : {nom_affiche}", champ="fichier")
    if chemin.is_dir():
        raise DonneeInvalide(f"{nom_affiche} est un dossier, pas un fichier.", champ="fichier")
    if format_ is not None and format_ not in FORMATS:
        raise DonneeInvalide(f"Format inconnu : {format_} ({', '.join(FORMATS)}).", champ="format")


def ouvrir(
    chemin: Path,
    *,
    format_: str | None = None,
    nom_affiche: str | None = None,
    feuille: str | None = None,
    regles: tableur.Regles | None = None,
) -> Source:
    nom_affiche = nom_affiche or str(chemin)
    regles = regles or tableur.Regles()
    verifier_lisible(chemin, nom_affiche, format_)
    detecte = deviner_format(chemin, nom_affiche)
    # --format chooses between the text formats; a workbook is read as what its content is.
    if format_ is None or (format_ in CLASSEURS) == (detecte in CLASSEURS):
        format_ = detecte if detecte in CLASSEURS or format_ is None else format_
    elif format_ in CLASSEURS:
        raise DonneeInvalide(
            (
                f"{nom_affiche} : classeur {NOM_FORMAT[format_]} illisible : le contenu n'est "
                "pas celui d'un classeur (",
                Option("format", format_),
                ").",
            ),
            champ="format",
        )
    else:
        raise DonneeInvalide(
            (
                f"{nom_affiche} : ",
                Option("format", format_),
                f", mais le fichier est un classeur {NOM_FORMAT[detecte]} ; relancez sans ",
                Option("format"),
                ".",
            ),
            champ="format",
        )
    if feuille is not None and format_ not in CLASSEURS:
        raise DonneeInvalide(
            (Option("feuille"), f" : {nom_affiche} n'est pas un classeur ({format_.upper()})."),
            champ="feuille",
        )
    if format_ in CLASSEURS:
        return SourceClasseur(chemin, nom_affiche, format_, feuille, regles)
    classe = {"csv": SourceCsv, "json": SourceJson, "ndjson": SourceNdjson}[format_]
    return classe(chemin, nom_affiche, regles)


def _texte_de_ligne(cellules: Sequence[Any]) -> str:
    return " ".join(str(c).strip() for c in cellules if c not in (None, "") and str(c).strip())


def _placer_entete(source: Source, premieres: list[list[Any]], regles: tableur.Regles) -> int:
    """Find the header among the first rows; fill the source's header fields; its index."""
    indice = tableur.trouver_entete(premieres, regles)
    source.entete_trouvee = indice is not None
    if indice is None:
        indice = tableur.meilleure_entete(premieres, regles)
    if indice is None:
        return -1
    source.ligne_entete = indice + 1
    source.entetes = ["" if c is None else str(c).strip() for c in premieres[indice]]
    source.avant_entete = [
        (i + 1, _texte_de_ligne(c)[:80])
        for i, c in enumerate(premieres[:indice])
        if _texte_de_ligne(c)
    ]
    return indice


# --- CSV ----------------------------------------------------------------------------------------
def _decoder_tout(f: IO[bytes], encodage: str) -> None:
    """Decode the whole open file in chunks; raises ``UnicodeDecodeError`` on the first bad
    byte."""
    f.seek(0)
    decodeur = codecs.getincrementaldecoder(encodage)()
    while morceau := f.read(1 << 16):
        decodeur.decode(morceau)
    decodeur.decode(b"", final=True)


def detecter_encodage(chemin: Path) -> str:
    """UTF-8 with BOM, UTF-8, or else Windows-1252 (what Excel writes in France), decided on the
    whole file but reading it in chunks."""
    with chemin.open("rb") as f:
        if f.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        try:
            _decoder_tout(f, "utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            pass
        # Windows-1252 leaves five bytes undefined: a file with one of them is neither.
        try:
            _decoder_tout(f, "cp1252")
        except UnicodeDecodeError as e:
            raise DonneeInvalide(
                f"{chemin.name} : encodage non reconnu (ni UTF-8 ni Windows-1252, octet "
                f"0x{e.object[e.start]:02x}) ; enregistrez le fichier en « CSV UTF-8 ».",
                champ="fichier",
            ) from None
    return "cp1252"


def _separateur(lignes: list[str]) -> str:
    """The separator of the first lines: the one a line holds most of (title lines above the
    header count little)."""
    comptes = {s: sum(ligne.count(s) for ligne in lignes) for s in (";", ",", "\t")}
    return max(comptes, key=lambda s: comptes[s]) if any(comptes.values()) else ";"


class SourceCsv(Source):
    def __init__(self, chemin: Path, nom_affiche: str, regles: tableur.Regles) -> None:
        super().__init__(format="csv")
        self.chemin = chemin
        self.encodage = detecter_encodage(chemin)
        with self._ouvrir() as f:
            debut = [
                f.readline(TAILLE_MAX_CELLULE * 10) for _ in range(tableur.LIGNES_AVANT_ENTETE)
            ]
        debut = [ligne for ligne in debut if ligne]
        if debut and "\x00" in debut[0]:
            raise DonneeInvalide(f"{nom_affiche} : fichier binaire, pas un CSV.", champ="fichier")
        self.separateur = _separateur(debut)
        csv.field_size_limit(TAILLE_MAX_CELLULE * 4)
        premieres: list[list[str]] = []
        lecteur = csv.reader(debut, delimiter=self.separateur)
        try:
            premieres.extend(lecteur)
        except csv.Error:
            # A bad row below the header is the data's fault, reported when it is read.
            if not premieres:
                raise DonneeInvalide(
                    f"{nom_affiche} : ligne d'en-tête illisible (champ trop long ou guillemets "
                    "non fermés).",
                    champ="fichier",
                ) from None
        indice_entete = _placer_entete(self, premieres, regles)
        encodage = {"utf-8-sig": "UTF-8 avec BOM", "utf-8": "UTF-8", "cp1252": "Windows-1252"}
        self.description = f"CSV ({encodage[self.encodage]}, séparateur « {self.separateur} »)"
        if indice_entete < 0 or not any(self.entetes):
            raise DonneeInvalide(
                f"{nom_affiche} : fichier vide ou sans ligne d'en-tête.", champ="fichier"
            )

    def _ouvrir(self) -> IO[str]:
        # Strict decoding cannot fail here: the encoding was checked on the whole file.
        return self.chemin.open("r", encoding=self.encodage, newline="", errors="strict")

    def lignes(self) -> Iterator[Ligne]:
        csv.field_size_limit(TAILLE_MAX_CELLULE * 4)
        with self._ouvrir() as f:
            lecteur = csv.reader(f, delimiter=self.separateur)
            numero = 0
            try:
                for numero, cellules in enumerate(lecteur, start=1):
                    if numero <= self.ligne_entete:
                        continue
                    if not any(c.strip() for c in cellules):
                        continue
                    yield Ligne(numero, dict(zip(self.entetes, cellules, strict=False)))
            except csv.Error as e:
                raise DonneeInvalide(
                    f"CSV illisible après la ligne {numero} : champ trop long, octet nul ou "
                    f"guillemets non fermés ({e}).",
                    champ="fichier",
                ) from None


# --- workbooks: XLSX, XLSM, Strict Open XML, XLS, ODS -------------------------------------------
class SourceClasseur(Source):
    """A workbook read by calamine (the Rust reader pandas uses): the sheet holding the table
    is ``feuille`` when named, else the first whose first rows carry the required columns."""

    def __init__(
        self,
        chemin: Path,
        nom_affiche: str,
        format_: str,
        feuille: str | None,
        regles: tableur.Regles,
    ) -> None:
        super().__init__(format=format_)
        self.nom_affiche = nom_affiche
        if format_ == "xls" and _contient(chemin, "EncryptedPackage".encode("utf-16-le")):
            raise DonneeInvalide(f"{nom_affiche} : {PROTEGE}", champ="fichier")
        classeur = self._appeler(
            lambda: _ClasseurFods(chemin) if format_ == "fods" else _ClasseurCalamine(chemin)
        )
        self.feuilles = classeur.noms()
        visibles = classeur.visibles()
        if feuille is not None:
            choisie = next((n for n in self.feuilles if n.casefold() == feuille.casefold()), None)
            if choisie is None:
                from cpfadmin.domain.suggestions import vouliez_vous_dire

                raise DonneeInvalide(
                    (
                        Option("feuille"),
                        f" : pas de feuille « {feuille} » dans {nom_affiche} (feuilles : "
                        f"{_liste(self.feuilles)}).",
                    ),
                    champ="feuille",
                    suggestion=vouliez_vous_dire(feuille, self.feuilles),
                )
            candidates = [choisie]
        else:
            candidates = visibles + [n for n in self.feuilles if n not in visibles]
        premier: tuple[str, list[list[Any]]] | None = None
        for nom in candidates:
            premieres = self._appeler(lambda n=nom: _premieres_lignes(classeur.rangees(n)))
            if premier is None:
                premier = (nom, premieres)
            if feuille is not None or tableur.trouver_entete(premieres, regles) is not None:
                premier = (nom, premieres)
                break
        if premier is None:
            raise DonneeInvalide(f"{nom_affiche} : classeur sans feuille.", champ="fichier")
        self.feuille, premieres = premier
        self.classeur = classeur
        indice_entete = _placer_entete(self, premieres, regles)
        self.description = f"{NOM_FORMAT[format_]}, feuille « {self.feuille} »"
        if indice_entete < 0 or not any(self.entetes):
            autres = [n for n in self.feuilles if n != self.feuille]
            raise DonneeInvalide(
                (
                    f"{nom_affiche} : feuille « {self.feuille} » vide ou sans ligne d'en-tête",
                    (f" (autres feuilles : {_liste(autres)} ; ", Option("feuille", "NOM"), ").")
                    if autres
                    else ".",
                ),
                champ="fichier",
            )

    def _appeler(self, action: Any) -> Any:
        """A call into calamine: whatever a damaged file makes it raise becomes a French
        message (a hostile workbook must not reach the user as a traceback)."""
        import python_calamine as calamine

        try:
            return action()
        except calamine.PasswordError:
            raise DonneeInvalide(f"{self.nom_affiche} : {PROTEGE}", champ="fichier") from None
        except DonneeInvalide:
            raise
        except Exception as e:  # the library boundary: any failure is the file's
            raise DonneeInvalide(
                f"{self.nom_affiche} : classeur {NOM_FORMAT[self.format]} illisible ou tronqué "
                f"({_raison_calamine(e)}).",
                champ="fichier",
            ) from None

    def lignes(self) -> Iterator[Ligne]:
        rangees = self._appeler(lambda: iter(self.classeur.rangees(self.feuille)))
        numero = 0
        while True:
            cellules = self._appeler(lambda: next(rangees, None))
            if cellules is None:
                return
            numero += 1
            if numero <= self.ligne_entete:
                continue
            if not any(c not in (None, "") for c in cellules):
                continue
            yield Ligne(numero, dict(zip(self.entetes, cellules, strict=False)))


class _ClasseurCalamine:
    """XLSX, XLSM, Strict Open XML, XLS and ODS through calamine. A sheet is parsed once and
    kept: an import reads it twice."""

    def __init__(self, chemin: Path) -> None:
        import python_calamine as calamine

        # The content decides the reader (an ODS named .xlsx, standard input without a name).
        with chemin.open("rb") as flux:
            self.classeur = calamine.CalamineWorkbook.from_filelike(flux)
        self._onglets: dict[str, Any] = {}

    def noms(self) -> list[str]:
        return list(self.classeur.sheet_names)

    def visibles(self) -> list[str]:
        return [
            m.name
            for m in self.classeur.sheets_metadata
            if str(m.typ).endswith("WorkSheet") and str(m.visible).endswith(".Visible")
        ]

    def rangees(self, nom: str) -> Iterator[list[Any]]:
        if nom not in self._onglets:
            self._onglets.clear()  # one sheet in memory at a time
            self._onglets[nom] = self.classeur.get_sheet_by_name(nom)
        return iter(self._onglets[nom].iter_rows())


# A flat ODS may repeat a row or a cell N times in one element: a filled one is expanded,
# never cut short in silence — past this, the file is refused.
REPETITIONS_MAX = 10_000


class _ClasseurFods:
    """A flat ODS (``.fods``: the whole workbook in one XML file), which calamine does not
    read: streamed with defusedxml (no entity expansion, no external resource), a row at a
    time, repeated empty rows and cells counted but never built."""

    OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

    def __init__(self, chemin: Path) -> None:
        self.chemin = chemin
        self._noms = [nom for nom, _ in self._feuilles(lire_lignes=False)]

    def noms(self) -> list[str]:
        return list(self._noms)

    def visibles(self) -> list[str]:
        return list(self._noms)

    def rangees(self, nom: str) -> Iterator[list[Any]]:
        for feuille, rangees in self._feuilles(lire_lignes=True, seulement=nom):
            if feuille == nom:
                yield from rangees
                return

    def _feuilles(self, *, lire_lignes: bool, seulement: str | None = None) -> Iterator[Any]:
        from defusedxml.ElementTree import iterparse

        t = f"{{{self.TABLE}}}"
        evenements = iterparse(str(self.chemin), events=("start", "end"))
        for evenement, element in evenements:
            if evenement == "start" and element.tag == f"{t}table":
                nom = element.get(f"{t}name", "")
                if not lire_lignes or (seulement is not None and nom != seulement):
                    yield nom, iter(())
                    self._sauter(evenements, element)
                    continue
                yield nom, self._lignes(evenements, element)
                return

    @staticmethod
    def _sauter(evenements: Any, table: Any) -> None:
        for evenement, element in evenements:
            if evenement == "end" and element is table:
                table.clear()
                return
            if evenement == "end":
                element.clear()

    def _lignes(self, evenements: Any, table: Any) -> Iterator[list[Any]]:
        t = f"{{{self.TABLE}}}"
        vides = 0  # empty rows met, given out only if a non-empty one follows
        for evenement, element in evenements:
            if evenement != "end":
                continue
            if element is table:
                return
            if element.tag != f"{t}table-row":
                continue
            cellules = self._cellules(element)
            repetees = int(element.get(f"{t}number-rows-repeated", "1") or 1)
            element.clear()
            if not cellules:
                vides += repetees
                continue
            for _ in range(vides):
                yield []
            vides = 0
            if repetees > REPETITIONS_MAX:
                raise DonneeInvalide(
                    f"une ligne non vide répétée {repetees} fois (plus de {REPETITIONS_MAX}) : "
                    "ce n'est pas un tableau d'agents ordinaire.",
                    champ="fichier",
                )
            for _ in range(repetees):
                yield list(cellules)

    def _cellules(self, rangee: Any) -> list[Any]:
        t, o = f"{{{self.TABLE}}}", f"{{{self.OFFICE}}}"
        cellules: list[Any] = []
        vides = 0
        for cellule in rangee:
            if cellule.tag not in (f"{t}table-cell", f"{t}covered-table-cell"):
                continue
            repetees = int(cellule.get(f"{t}number-columns-repeated", "1") or 1)
            valeur = self._valeur(cellule, o)
            if valeur == "":
                vides += repetees
                continue
            cellules.extend([""] * vides)
            vides = 0
            if repetees > REPETITIONS_MAX:
                raise DonneeInvalide(
                    f"une cellule non vide répétée sur {repetees} colonnes (plus de "
                    f"{REPETITIONS_MAX}) : ce n'est pas un tableau d'agents ordinaire.",
                    champ="fichier",
                )
            cellules.extend([valeur] * repetees)
        return cellules

    def _valeur(self, cellule: Any, o: str) -> Any:
        genre = cellule.get(f"{o}value-type")
        if genre in ("float", "percentage", "currency"):
            brut = cellule.get(f"{o}value", "")
            try:
                nombre = float(brut)
            except ValueError:
                return brut
            return int(nombre) if nombre.is_integer() else nombre
        if genre == "boolean":
            return cellule.get(f"{o}boolean-value") == "true"
        paragraphes = cellule.findall(f"{{{self.TEXT}}}p")
        return "\n".join("".join(p.itertext()) for p in paragraphes)


def _premieres_lignes(rangees: Iterator[list[Any]]) -> list[list[Any]]:
    premieres = []
    for cellules in rangees:
        premieres.append(list(cellules))
        if len(premieres) == tableur.LIGNES_AVANT_ENTETE:
            break
    return premieres


def _raison_calamine(erreur: Exception) -> str:
    texte = str(erreur).strip().splitlines()[0][:120] if str(erreur).strip() else ""
    return f"{type(erreur).__name__} : {texte}" if texte else type(erreur).__name__


def _liste(noms: Iterable[str]) -> str:
    return ", ".join(f"« {n} »" for n in noms) or "aucune"


# --- JSON and NDJSON ----------------------------------------------------------------------------
def _objet(valeur: Any, ou: str) -> dict[str, Any]:
    if not isinstance(valeur, dict):
        raise DonneeInvalide(f"{ou} : un objet JSON est attendu.", champ="fichier")
    return valeur


class _SourceObjets(Source):
    """JSON objects: the header is every key met, in the order met (one reading pass)."""

    def __init__(self, chemin: Path, nom_affiche: str, regles: tableur.Regles) -> None:
        super().__init__(format=self.format, description=self.description)
        self.chemin, self.nom_affiche = chemin, nom_affiche
        self.entete_trouvee = True
        entetes: list[str] = []
        for ligne in self.lignes():
            entetes.extend(k for k in ligne.valeurs if k not in entetes)
        self.entetes = entetes


class _NombreRefuse(ValueError):
    """A JSON value no spreadsheet cell holds: NaN, Infinity, a number of hundreds of digits."""


def _entier(texte: str) -> int:
    if len(texte.lstrip("-")) > 30:
        raise _NombreRefuse(f"nombre de {len(texte)} chiffres")
    return int(texte)


def _decimal(texte: str) -> float:
    if len(texte) > 60:
        raise _NombreRefuse(f"nombre de {len(texte)} caractères")
    valeur = float(texte)
    if valeur in (float("inf"), float("-inf")):
        raise _NombreRefuse("nombre hors limites")
    return valeur


def _constante(texte: str) -> Any:
    raise _NombreRefuse(f"« {texte} » n'est pas une valeur JSON admise")


def _charger(texte_ou_flux: Any) -> Any:
    options = {"parse_int": _entier, "parse_float": _decimal, "parse_constant": _constante}
    if isinstance(texte_ou_flux, str):
        return json.loads(texte_ou_flux, **options)
    return json.load(texte_ou_flux, **options)


class SourceJson(_SourceObjets):
    format = "json"
    description = "JSON"

    def lignes(self) -> Iterator[Ligne]:
        try:
            with self.chemin.open("r", encoding="utf-8-sig") as f:
                donnees = _charger(f)
        except UnicodeDecodeError:
            raise DonneeInvalide(f"{self.nom_affiche} : JSON non UTF-8.", champ="fichier") from None
        except _NombreRefuse as e:
            raise DonneeInvalide(
                f"{self.nom_affiche} : JSON refusé ({e}).", champ="fichier"
            ) from None
        except json.JSONDecodeError as e:
            raise DonneeInvalide(
                f"{self.nom_affiche} : JSON invalide ligne {e.lineno}, colonne {e.colno} ({e.msg}).",
                champ="fichier",
            ) from None
        except RecursionError:
            raise DonneeInvalide(
                f"{self.nom_affiche} : JSON trop profondément imbriqué.", champ="fichier"
            ) from None
        if not isinstance(donnees, list):
            raise DonneeInvalide(
                f"{self.nom_affiche} : un tableau JSON d'objets est attendu.", champ="fichier"
            )
        for numero, element in enumerate(donnees, start=1):
            yield Ligne(numero, _objet(element, f"élément {numero}"))


class SourceNdjson(_SourceObjets):
    format = "ndjson"
    description = "NDJSON"

    def lignes(self) -> Iterator[Ligne]:
        try:
            with self.chemin.open("r", encoding="utf-8-sig") as f:
                for numero, texte in enumerate(f, start=1):
                    if not texte.strip():
                        continue
                    try:
                        valeur = _charger(texte)
                    except _NombreRefuse as e:
                        raise DonneeInvalide(
                            f"{self.nom_affiche} : JSON refusé ligne {numero} ({e}).",
                            champ="fichier",
                        ) from None
                    except RecursionError:
                        raise DonneeInvalide(
                            f"{self.nom_affiche} : JSON trop imbriqué ligne {numero}.",
                            champ="fichier",
                        ) from None
                    except json.JSONDecodeError as e:
                        raise DonneeInvalide(
                            f"{self.nom_affiche} : JSON invalide ligne {numero} ({e.msg}).",
                            champ="fichier",
                        ) from None
                    yield Ligne(numero, _objet(valeur, f"ligne {numero}"))
        except UnicodeDecodeError:
            raise DonneeInvalide(
                f"{self.nom_affiche} : NDJSON non UTF-8.", champ="fichier"
            ) from None


# --- writing ------------------------------------------------------------------------------------
def ecrire(
    destination: Path | None,
    format_: str,
    colonnes: Sequence[str],
    lignes: Iterable[dict[str, Any]],
    *,
    excel: bool | None = None,
    ecraser: bool = False,
) -> int:
    """Stream rows to a file (or stdout when ``destination`` is None); returns how many.
    CSV is ``;``-separated; in the form Excel opens in France without garbling the accents
    (``excel``: UTF-8 with BOM, CRLF lines) — by default for a file, not for stdout (a pipe
    to another program wants neither the BOM nor CR).

    A file is written beside its destination and renamed onto it once complete: never half
    written, never through a symbolic link, and an existing file is replaced only with
    ``ecraser`` (--force)."""
    if destination is None:
        return _ecrire(None, format_, colonnes, lignes, excel=excel)
    excel = True if excel is None else excel
    return ecrire_a_la_place(
        destination,
        lambda temporaire: _ecrire(temporaire, format_, colonnes, lignes, excel=excel),
        ecraser=ecraser,
    )


def ecrire_a_la_place(
    destination: Path,
    ecrire_dans: Callable[[Path], T],
    *,
    ecraser: bool,
    mode: int = 0o600,
) -> T:
    """Write a whole file or nothing: ``ecrire_dans`` fills a file beside ``destination``
    (created ``mode`` before a byte is written), which is then linked onto it — or, with
    ``ecraser`` (--force), renamed over it. Never through a symbolic link; never over an
    existing file unless told: link() fails on an existing name, a dangling link included, so
    no race between the check and the write."""
    from cpfadmin.domain.errors import Conflit, raison_systeme

    verifier_destination(destination, ecraser)
    try:
        descripteur, nom = tempfile.mkstemp(prefix=f".{destination.name}-", dir=destination.parent)
        os.fchmod(descripteur, mode)
        os.close(descripteur)
    except OSError as e:
        raise DonneeInvalide(
            f"Écriture impossible dans {destination} : {raison_systeme(e)}.", champ="fichier"
        ) from None
    temporaire = Path(nom)
    try:
        resultat = ecrire_dans(temporaire)
        if ecraser:
            os.replace(temporaire, destination)
        else:
            try:
                os.link(temporaire, destination)
            except FileExistsError:
                raise Conflit(
                    (
                        f"{destination} existe déjà : rien n'a été écrit ; ",
                        Option("force"),
                        " pour le remplacer.",
                    ),
                    suggestion=Option("force"),
                ) from None
    except OSError as e:
        raise DonneeInvalide(
            f"Écriture impossible dans {destination} : {raison_systeme(e)}.", champ="fichier"
        ) from None
    finally:
        temporaire.unlink(missing_ok=True)
    return resultat


def verifier_destination(destination: Path, ecraser: bool) -> None:
    """A file cpfadmin is about to write: not through a symbolic link, and not over an
    existing file unless told (--force). Checked before any work, and again at writing."""
    from cpfadmin.domain.errors import Conflit

    if destination.is_symlink():
        raise Conflit(
            f"{destination} est un lien symbolique : cpfadmin n'écrit pas à travers un lien ; "
            "indiquez le fichier lui-même."
        )
    if destination.exists() and not destination.is_file():
        raise DonneeInvalide(f"{destination} n'est pas un fichier.", champ="fichier")
    if destination.exists() and not ecraser:
        raise Conflit(
            (
                f"{destination} existe déjà : rien n'a été écrit ; ",
                Option("force"),
                " pour le remplacer.",
            ),
            suggestion=Option("force"),
        )


def _ecrire(
    destination: Path | None,
    format_: str,
    colonnes: Sequence[str],
    lignes: Iterable[dict[str, Any]],
    *,
    excel: bool | None = None,
) -> int:
    n = 0
    if format_ == "xlsx":
        from openpyxl import Workbook

        if destination is None:
            raise DonneeInvalide(
                ("Le format XLSX s'écrit dans un fichier : utilisez ", Option("fichier"), ".")
            )
        classeur = Workbook(write_only=True)
        feuille = classeur.create_sheet("cpfadmin")
        feuille.append(list(colonnes))
        for ligne in lignes:
            feuille.append([neutraliser(ligne.get(c)) for c in colonnes])
            n += 1
        classeur.save(destination)
        return n
    sortie: IO[str]
    excel = (destination is not None) if excel is None else excel
    if destination is None:
        sortie = sys.stdout
        if format_ == "csv" and excel:
            sortie.write("\ufeff")
    else:
        encodage = "utf-8-sig" if format_ == "csv" and excel else "utf-8"
        sortie = destination.open("w", encoding=encodage, newline="")
    try:
        if format_ == "csv":
            fin = "\r\n" if excel else "\n"
            ecrivain = csv.writer(sortie, delimiter=";", lineterminator=fin)
            ecrivain.writerow(colonnes)
            for ligne in lignes:
                ecrivain.writerow(
                    ["" if ligne.get(c) is None else neutraliser(ligne.get(c)) for c in colonnes]
                )
                n += 1
        elif format_ == "ndjson":
            for ligne in lignes:
                sortie.write(
                    json.dumps({c: ligne.get(c) for c in colonnes}, ensure_ascii=False, default=str)
                    + "\n"
                )
                n += 1
        else:
            sortie.write("[")
            for ligne in lignes:
                sortie.write(
                    ("\n  " if n == 0 else ",\n  ")
                    + json.dumps(
                        {c: ligne.get(c) for c in colonnes}, ensure_ascii=False, default=str
                    )
                )
                n += 1
            sortie.write("\n]\n" if n else "]\n")
    finally:
        if destination is not None:
            sortie.close()
    return n
