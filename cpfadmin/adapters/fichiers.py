"""Reading and writing the files administrators really have (SPEC §6): CSV as Excel writes it
in France (``;`` or ``,``, UTF-8 with or without BOM, or Windows-1252), XLSX, JSON arrays and
NDJSON. Rows are streamed: a source can be read twice (validation, then writing) without
holding the file in memory."""

from __future__ import annotations

import codecs
import csv
import json
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cpfadmin.domain.errors import DonneeInvalide

FORMATS = ("csv", "xlsx", "json", "ndjson")
EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
}
TAILLE_MAX_CELLULE = 10_000


@dataclass(frozen=True)
class Ligne:
    numero: int  # as the spreadsheet shows it (the header is line 1); element n° for JSON
    valeurs: dict[str, Any]  # header as written → cell


class Source:
    """A file of rows with a header; ``lignes()`` may be called more than once."""

    format: str
    entetes: list[str]
    description: str

    def lignes(self) -> Iterator[Ligne]:  # pragma: no cover - interface
        raise NotImplementedError


def copier_stdin() -> Path:
    """Standard input, spooled to a temporary file so that it can be read twice."""
    with tempfile.NamedTemporaryFile(prefix="cpfadmin-import-", delete=False) as fichier:
        shutil.copyfileobj(sys.stdin.buffer, fichier)
    return Path(fichier.name)


def deviner_format(chemin: Path, nom_affiche: str) -> str:
    extension = EXTENSIONS.get(Path(nom_affiche).suffix.lower())
    if extension:
        return extension
    with chemin.open("rb") as f:
        debut = f.read(512).lstrip(codecs.BOM_UTF8).lstrip()
    if debut.startswith(b"PK"):
        return "xlsx"
    if debut.startswith(b"["):
        return "json"
    if debut.startswith(b"{"):
        return "ndjson"
    return "csv"


def ouvrir(chemin: Path, *, format_: str | None = None, nom_affiche: str | None = None) -> Source:
    nom_affiche = nom_affiche or str(chemin)
    if not chemin.exists():
        raise DonneeInvalide(f"Fichier introuvable : {nom_affiche}", champ="fichier")
    if chemin.is_dir():
        raise DonneeInvalide(f"{nom_affiche} est un dossier, pas un fichier.", champ="fichier")
    format_ = format_ or deviner_format(chemin, nom_affiche)
    if format_ not in FORMATS:
        raise DonneeInvalide(f"Format inconnu : {format_} ({', '.join(FORMATS)}).", champ="format")
    classe = {"csv": SourceCsv, "xlsx": SourceXlsx, "json": SourceJson, "ndjson": SourceNdjson}[
        format_
    ]
    return classe(chemin, nom_affiche)


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


def _separateur(premiere_ligne: str) -> str:
    comptes = {s: premiere_ligne.count(s) for s in (";", ",", "\t")}
    return max(comptes, key=lambda s: comptes[s]) if any(comptes.values()) else ";"


class SourceCsv(Source):
    format = "csv"

    def __init__(self, chemin: Path, nom_affiche: str) -> None:
        self.chemin = chemin
        self.encodage = detecter_encodage(chemin)
        with self._ouvrir() as f:
            premiere = f.readline(TAILLE_MAX_CELLULE * 10)
        if "\x00" in premiere:
            raise DonneeInvalide(f"{nom_affiche} : fichier binaire, pas un CSV.", champ="fichier")
        self.separateur = _separateur(premiere)
        csv.field_size_limit(TAILLE_MAX_CELLULE * 4)
        try:
            entetes = next(csv.reader([premiere], delimiter=self.separateur), [])
        except csv.Error:
            raise DonneeInvalide(
                f"{nom_affiche} : ligne d'en-tête illisible (champ trop long ou guillemets non "
                "fermés).",
                champ="fichier",
            ) from None
        self.entetes = [e.strip() for e in entetes]
        encodage = {"utf-8-sig": "UTF-8 avec BOM", "utf-8": "UTF-8", "cp1252": "Windows-1252"}
        self.description = f"CSV ({encodage[self.encodage]}, séparateur « {self.separateur} »)"
        if not any(self.entetes):
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
                    if numero == 1:
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


# --- XLSX ---------------------------------------------------------------------------------------
class SourceXlsx(Source):
    format = "xlsx"
    description = "XLSX"

    def __init__(self, chemin: Path, nom_affiche: str) -> None:
        self.chemin, self.nom_affiche = chemin, nom_affiche
        with self._classeur() as feuille:
            entetes = next(feuille, None)
        if not entetes or not any(entetes):
            raise DonneeInvalide(
                f"{nom_affiche} : feuille vide ou sans ligne d'en-tête.", champ="fichier"
            )
        self.entetes = ["" if e is None else str(e).strip() for e in entetes]

    def _classeur(self):  # type: ignore[no-untyped-def]
        import contextlib
        import zipfile

        @contextlib.contextmanager
        def gestion():  # type: ignore[no-untyped-def]
            from openpyxl import load_workbook
            from openpyxl.utils.exceptions import InvalidFileException

            # An open file, not a path: openpyxl refuses a path without the .xlsx extension
            # (standard input, --format xlsx).
            flux = self.chemin.open("rb")
            try:
                classeur = load_workbook(flux, read_only=True, data_only=True)
            except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as e:
                flux.close()
                raise DonneeInvalide(
                    f"{self.nom_affiche} : classeur XLSX illisible ou tronqué ({type(e).__name__}).",
                    champ="fichier",
                ) from None
            try:
                yield classeur.worksheets[0].iter_rows(values_only=True)
            except (zipfile.BadZipFile, KeyError, ValueError) as e:
                raise DonneeInvalide(
                    f"{self.nom_affiche} : classeur XLSX illisible ou tronqué ({type(e).__name__}).",
                    champ="fichier",
                ) from None
            finally:
                classeur.close()
                flux.close()

        return gestion()

    def lignes(self) -> Iterator[Ligne]:
        with self._classeur() as feuille:
            for numero, cellules in enumerate(feuille, start=1):
                if numero == 1:
                    continue
                if not any(c not in (None, "") for c in cellules):
                    continue
                yield Ligne(numero, dict(zip(self.entetes, cellules, strict=False)))


# --- JSON and NDJSON ----------------------------------------------------------------------------
def _objet(valeur: Any, ou: str) -> dict[str, Any]:
    if not isinstance(valeur, dict):
        raise DonneeInvalide(f"{ou} : un objet JSON est attendu.", champ="fichier")
    return valeur


class _SourceObjets(Source):
    """JSON objects: the header is every key met, in the order met (one reading pass)."""

    def __init__(self, chemin: Path, nom_affiche: str) -> None:
        self.chemin, self.nom_affiche = chemin, nom_affiche
        entetes: list[str] = []
        for ligne in self.lignes():
            entetes.extend(k for k in ligne.valeurs if k not in entetes)
        self.entetes = entetes


class SourceJson(_SourceObjets):
    format = "json"
    description = "JSON"

    def lignes(self) -> Iterator[Ligne]:
        try:
            with self.chemin.open("r", encoding="utf-8-sig") as f:
                donnees = json.load(f)
        except UnicodeDecodeError:
            raise DonneeInvalide(f"{self.nom_affiche} : JSON non UTF-8.", champ="fichier") from None
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
                        valeur = json.loads(texte)
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
def neutraliser(cellule: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (CSV
    injection); the importer removes it again."""
    if isinstance(cellule, str) and cellule[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cellule
    return cellule


def ecrire(
    destination: Path | None,
    format_: str,
    colonnes: Sequence[str],
    lignes: Iterable[dict[str, Any]],
) -> int:
    """Stream rows to a file (or stdout when ``destination`` is None); returns how many.
    CSV is Excel-France friendly: ``;``, UTF-8 with BOM."""
    n = 0
    if format_ == "xlsx":
        from openpyxl import Workbook

        if destination is None:
            raise DonneeInvalide("Le format XLSX s'écrit dans un fichier : utilisez --fichier.")
        classeur = Workbook(write_only=True)
        feuille = classeur.create_sheet("cpfadmin")
        feuille.append(list(colonnes))
        for ligne in lignes:
            feuille.append([neutraliser(ligne.get(c)) for c in colonnes])
            n += 1
        classeur.save(destination)
        return n
    sortie: IO[str]
    if destination is None:
        sortie = sys.stdout
    else:
        encodage = "utf-8-sig" if format_ == "csv" else "utf-8"
        sortie = destination.open("w", encoding=encodage, newline="")
    try:
        if format_ == "csv":
            ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
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
