"""Rendering results: a table for people, JSON or CSV for scripts. Data go to stdout; messages,
warnings and errors to stderr.

Table output is for a person: French labels (``libelles``), accented values (``supprimé``,
``adm. délégué``), times in Paris time with the zone named, phones in the French form. JSON keeps
the keys, the codes, E.164 phones and ISO 8601 times with their offset. CSV is for spreadsheets
and scripts: keys as headers, codes, ISO 8601 times with offset and phones in the French form,
as ``gestionnaires export`` writes them.

Lists are laid out here rather than by Rich's Table, which takes seconds on thousands of rows:
column widths are measured once, the identifiant column is never cut nor folded, the others fold
(or, for one line per row, are shortened with « … ») to fit the terminal (``COLUMNS``). A list
longer than the terminal goes through the pager (``PAGER``, by default ``less -FRX``) when
stdout is a terminal; ``PAGER=cat`` turns it off."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any

from cpfadmin.cli.libelles import IDENTIFIANTS, VALEURS, libelle
from cpfadmin.domain.tableur import neutraliser

FORMATS = ("table", "json", "csv")
ZONE = "heure de Paris"
PAGER_DEFAUT = "less -FRX"
TELEPHONES = frozenset({"telephone_fixe", "telephone_mobile"})


def _json_defaut(valeur: Any) -> Any:
    if isinstance(valeur, datetime):
        return valeur.isoformat()
    if isinstance(valeur, Enum):
        return valeur.value
    return str(valeur)


def en_json(donnees: Any) -> str:
    """A record indented; a list one record per line — json's C encoder only runs without
    ``indent``, and a list may hold 100,000 accounts."""
    if isinstance(donnees, list):
        if not donnees:
            return "[]"
        lignes = (json.dumps(e, ensure_ascii=False, default=_json_defaut) for e in donnees)
        return "[\n  " + ",\n  ".join(lignes) + "\n]"
    return json.dumps(donnees, ensure_ascii=False, indent=2, default=_json_defaut)


def ecrire_json_en_flux(
    sortie: Any, entete: Mapping[str, Any], cle: str, elements: Iterable[Any]
) -> None:
    """One JSON object written as it goes: the keys of ``entete`` (indented like ``en_json``),
    then ``cle`` holding ``elements`` one per line, each written as soon as it is read — a
    report of 100,000 lines never sits whole in memory."""
    sortie.write("{")
    for nom, valeur in entete.items():
        texte = json.dumps(valeur, ensure_ascii=False, indent=2, default=_json_defaut)
        sortie.write(f"\n  {json.dumps(nom)}: " + texte.replace("\n", "\n  ") + ",")
    sortie.write(f"\n  {json.dumps(cle)}: [")
    for i, element in enumerate(elements):
        sortie.write(
            ("\n    " if i == 0 else ",\n    ")
            + json.dumps(element, ensure_ascii=False, default=_json_defaut)
        )
    sortie.write("\n  ]\n}\n")


_PARIS: Any = None


def heure_de_paris(valeur: datetime, *, zone: bool = True) -> str:
    """« 02/12/2026 à 10:43 (heure de Paris) », as the e-mails write it, whatever the zone of
    the machine; without ``zone`` (a list names it in the column header) « 02/12/2026 10:43 »."""
    global _PARIS
    if _PARIS is None:
        from zoneinfo import ZoneInfo

        _PARIS = ZoneInfo("Europe/Paris")
    if valeur.tzinfo is None:  # stored in UTC
        from datetime import UTC

        valeur = valeur.replace(tzinfo=UTC)
    locale = valeur.astimezone(_PARIS)
    if zone:
        return locale.strftime(f"%d/%m/%Y à %H:%M ({ZONE})")
    return locale.strftime("%d/%m/%Y %H:%M")


def _texte(valeur: Any, *, zone: bool = True) -> str:
    """A value as a person reads it."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime):
        return heure_de_paris(valeur, zone=zone)
    if isinstance(valeur, Enum):
        return str(valeur.value)
    if isinstance(valeur, dict):
        return ", ".join(f"{k}={_texte(v, zone=zone)}" for k, v in valeur.items())
    if isinstance(valeur, list):
        return ", ".join(_texte(v, zone=zone) for v in valeur)
    return str(valeur)


def _cellule(cle: str, valeur: Any, *, zone: bool = True) -> str:
    """A table cell: the accented reading of a code, the French form of a phone."""
    if valeur is None:
        return ""
    table = VALEURS.get(cle)
    if table is not None and isinstance(valeur, str):
        return table.get(valeur, valeur)
    if cle in TELEPHONES and isinstance(valeur, str):
        from cpfadmin.domain.validation import forme_francaise

        return forme_francaise(valeur) or ""
    return _texte(valeur, zone=zone)


def _csv(cle: str, valeur: Any) -> str:
    """A CSV cell: codes, ISO 8601 times with offset, phones as ``export`` writes them."""
    if valeur is None:
        return ""
    if isinstance(valeur, datetime):
        if valeur.tzinfo is None:
            from datetime import UTC

            valeur = valeur.replace(tzinfo=UTC)
        return valeur.isoformat()
    if cle in TELEPHONES and isinstance(valeur, str):
        from cpfadmin.domain.validation import forme_francaise

        return forme_francaise(valeur) or ""
    if isinstance(valeur, dict | list):
        return json.dumps(valeur, ensure_ascii=False, default=_json_defaut)
    return _texte(valeur)


def _sur_stderr(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def afficher(
    donnees: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    format_: str,
    *,
    colonnes: Sequence[tuple[str, str]] | None = None,
    titre: str | None = None,
    une_ligne: bool = False,
    pagination: bool = True,
    vide: str | None = None,
    informer: Callable[[str], None] | None = None,
) -> None:
    """Print a record (mapping) or a list of records. ``colonnes`` = (key, header) pairs for
    tables and CSV (by default every key, labelled from ``libelles``); JSON always carries every
    key. ``une_ligne``: one line per row in a table, long cells shortened with « … ».

    ``vide``: what an empty list says as a table (« Aucune unité. »), one line on stderr through
    ``informer`` (stdout stays empty for scripts); JSON still prints ``[]``, CSV its header."""
    if format_ == "table" and vide is not None and not isinstance(donnees, Mapping) and not donnees:
        (informer or _sur_stderr)(vide)
        return
    if format_ == "json":
        sys.stdout.write(en_json(donnees) + "\n")
        return
    lignes = [donnees] if isinstance(donnees, Mapping) else list(donnees)
    if colonnes is None:
        cles: list[str] = []
        for ligne in lignes:
            cles.extend(k for k in ligne if k not in cles)
        colonnes = [(k, libelle(k)) for k in cles]
    if format_ == "csv":
        ecrivain = csv.writer(sys.stdout, delimiter=";", lineterminator="\n")
        ecrivain.writerow([cle for cle, _ in colonnes])
        for ligne in lignes:
            ecrivain.writerow([neutraliser(_csv(cle, ligne.get(cle))) for cle, _ in colonnes])
        return
    largeur = shutil.get_terminal_size((80, 24)).columns
    if isinstance(donnees, Mapping):
        texte = _fiche(donnees, colonnes, titre, largeur)
    else:
        texte = list(_tableau(lignes, colonnes, titre, largeur, une_ligne=une_ligne))
    _ecrire(texte, pagination=pagination)


# --- layout -------------------------------------------------------------------------------------
def _largeur_texte(texte: str) -> int:
    if texte.isascii():
        return len(texte)
    from rich.cells import cell_len

    return cell_len(texte)


def _couper(texte: str, largeur: int) -> list[str]:
    """Fold a cell to ``largeur`` columns, at spaces when it can."""
    import textwrap

    if _largeur_texte(texte) <= largeur:
        return [texte]
    morceaux = textwrap.wrap(
        texte, largeur, break_long_words=True, break_on_hyphens=False, drop_whitespace=True
    )
    # textwrap counts characters; a wide character (rare here) may still overflow a little.
    return morceaux or [""]


def _raccourcir(texte: str, largeur: int) -> str:
    if _largeur_texte(texte) <= largeur:
        return texte
    return texte[: max(largeur - 1, 0)] + "…"


def _completer(texte: str, largeur: int) -> str:
    return texte + " " * (largeur - _largeur_texte(texte))


def _couleur() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _largeurs(naturelles: list[int], fixes: list[bool], disponible: int) -> list[int]:
    """Natural widths, the widest foldable column narrowed first until the row fits; a fixed
    (identifiant) column keeps its width whatever the terminal."""
    largeurs = list(naturelles)
    minimum = [n if f else min(n, 6) for n, f in zip(naturelles, fixes, strict=True)]
    exces = sum(largeurs) - disponible
    while exces > 0:
        candidats = [i for i, w in enumerate(largeurs) if w > minimum[i]]
        if not candidats:
            break
        i = max(candidats, key=lambda j: largeurs[j])
        autres = [largeurs[j] for j in candidats if j != i]
        # down to the next widest column at once (or by the excess), not one column at a time
        pas = max(1, min(exces, largeurs[i] - max([minimum[i], *autres])))
        largeurs[i] -= pas
        exces -= pas
    return largeurs


SEPARATEUR = "  "


def _tableau(
    lignes: list[Mapping[str, Any]],
    colonnes: Sequence[tuple[str, str]],
    titre: str | None,
    largeur: int,
    *,
    une_ligne: bool,
) -> list[str]:
    """A list as lines of text: a header, a rule, one row per record (folded cells take more
    lines). Times are written without their zone, named once in the column header."""
    cles = [cle for cle, _ in colonnes]
    cellules = [[_cellule(cle, ligne.get(cle), zone=False) for cle in cles] for ligne in lignes]
    horaires = [any(isinstance(ligne.get(cle), datetime) for ligne in lignes) for cle in cles]
    entetes = [
        entete + (f" ({ZONE})" if horaire else "")
        for (_, entete), horaire in zip(colonnes, horaires, strict=True)
    ]
    naturelles = [
        max([_largeur_texte(entetes[i]), *(_largeur_texte(r[i]) for r in cellules)])
        for i in range(len(cles))
    ]
    fixes = [cle in IDENTIFIANTS for cle in cles]
    disponible = largeur - len(SEPARATEUR) * (len(cles) - 1)
    dernier = len(cles) - 1
    if une_ligne:
        # The last column (the details) gives way first; then the headers fold, word by word;
        # then the other columns are shortened too.
        souples = [True] * dernier + [False]
        largeurs = _largeurs(naturelles, souples, disponible)
        if sum(largeurs) > disponible:
            mots = [
                max(
                    [
                        max(_largeur_texte(m) for m in entetes[i].split()),
                        *(_largeur_texte(r[i]) for r in cellules),
                    ]
                )
                for i in range(len(cles))
            ]
            largeurs = _largeurs(mots, souples, disponible)
            if sum(largeurs) > disponible:
                # Still too wide: the other columns give way too, but never a time (a date
                # without its hour says nothing) and never an identifiant; the details, already
                # narrowed, stay so.
                gardees = [f or h for f, h in zip(fixes, horaires, strict=True)]
                gardees[dernier] = True
                titre_details = max(_largeur_texte(m) for m in entetes[dernier].split())
                depart = [
                    *mots[:dernier],
                    min(mots[dernier], max(largeurs[dernier], titre_details)),
                ]
                largeurs = _largeurs(depart, gardees, disponible)
    else:
        largeurs = _largeurs(naturelles, fixes, disponible)

    def rangee(valeurs: list[str], *, entete: bool = False) -> list[str]:
        if all(_largeur_texte(v) <= w for v, w in zip(valeurs, largeurs, strict=True)):
            morceaux = [[v] for v in valeurs]
        elif une_ligne and not entete:
            morceaux = [[_raccourcir(v, w)] for v, w in zip(valeurs, largeurs, strict=True)]
        else:
            morceaux = [
                [v] if f and not entete else _couper(v, w)
                for v, w, f in zip(valeurs, largeurs, fixes, strict=True)
            ]
        hauteur = max(len(m) for m in morceaux)
        sortie = []
        for k in range(hauteur):
            sortie.append(
                SEPARATEUR.join(
                    (m[k] if k < len(m) else "")
                    if i == dernier
                    else _completer(m[k] if k < len(m) else "", largeurs[i])
                    for i, m in enumerate(morceaux)
                ).rstrip()
            )
        return sortie

    texte: list[str] = []
    if titre:
        texte.append(titre)
    gras = _couleur()
    for ligne in rangee(entetes, entete=True):
        texte.append(f"\x1b[1m{ligne}\x1b[0m" if gras else ligne)
    texte.append(SEPARATEUR.join("─" * w for w in largeurs))
    for valeurs in cellules:
        texte.extend(rangee(valeurs))
    return texte


def _fiche(
    donnees: Mapping[str, Any],
    colonnes: Sequence[tuple[str, str]],
    titre: str | None,
    largeur: int,
) -> list[str]:
    """One record: a label, then its value folded to the terminal's width."""
    entetes = [entete for _, entete in colonnes]
    marge = max((_largeur_texte(e) for e in entetes), default=0)
    disponible = max(largeur - marge - len(SEPARATEUR), 20)
    gras = _couleur()
    texte: list[str] = [titre] if titre else []
    for cle, entete in colonnes:
        valeur = _cellule(cle, donnees.get(cle))
        morceaux = [valeur] if cle in IDENTIFIANTS else _couper(valeur, disponible)
        tete = _completer(entete, marge)
        if gras:
            tete = f"\x1b[1m{tete}\x1b[0m"
        texte.append((tete + SEPARATEUR + morceaux[0]).rstrip())
        texte.extend((" " * (marge + len(SEPARATEUR)) + m).rstrip() for m in morceaux[1:])
    return texte


# --- paging -------------------------------------------------------------------------------------
def commande_pager() -> str | None:
    """The pager for a long table at a terminal: ``PAGER`` (``cat`` or empty: none), else
    ``less -FRX`` — like git and gh. None when stdout is not a terminal."""
    if not sys.stdout.isatty():
        return None
    commande = os.environ.get("PAGER")
    if commande is None:
        return PAGER_DEFAUT if shutil.which("less") else None
    commande = commande.strip()
    if not commande or commande == "cat":
        return None
    return commande


def _ecrire(lignes: list[str], *, pagination: bool = True) -> None:
    texte = "\n".join(lignes) + "\n"
    hauteur = shutil.get_terminal_size((80, 24)).lines
    commande = commande_pager() if pagination and len(lignes) >= hauteur else None
    if commande is None:
        sys.stdout.write(texte)
        return
    import subprocess

    sys.stdout.flush()
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LESSCHARSET", "utf-8")
    try:
        processus = subprocess.Popen(commande, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        sys.stdout.write(texte)
        return
    assert processus.stdin is not None
    try:
        processus.stdin.write(texte.encode("utf-8"))
        processus.stdin.close()
    except BrokenPipeError:  # the person quit the pager before the end
        pass
    processus.wait()
