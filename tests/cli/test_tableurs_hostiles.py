"""Issue 13, point 6 (its part on the files an import reads): a hostile workbook or JSON file
is bounded before it is read and answered with exit 7 and a French reason, writing nothing —
never « erreur inattendue », never a process left running."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.support.console import courriels, empreinte, erreur_en_une_ligne

FIXTURES = Path(__file__).parent.parent / "fixtures" / "tableurs"
RIRES = """<?xml version="1.0"?>
<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
"""


def _refuse(employeur, chemin: Path, *options: str) -> str:  # type: ignore[no-untyped-def]
    avant, eml = empreinte(employeur.url), len(courriels())
    r = employeur.importer(chemin, "--create-unites", *options)
    assert r.exit_code == 7, (r.exit_code, r.stdout, r.stderr)
    assert "inattendue" not in r.stderr and "Traceback" not in r.stderr
    assert empreinte(employeur.url) == avant and len(courriels()) == eml
    return erreur_en_une_ligne(r)


def test_a_decompression_bomb_is_refused_before_it_is_read(employeur):
    chemin = employeur.fichier("bombe.xlsx")
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as feuille:
            for _ in range(30):
                feuille.write(b"0" * (1024 * 1024))
    assert chemin.stat().st_size < 200_000
    message = _refuse(employeur, chemin)
    assert "classeur refusé : décompressé, il ferait plus de" in message


def test_entities_in_a_flat_ods_are_never_expanded(employeur):
    texte = (FIXTURES / "agents.fods").read_text(encoding="utf-8")
    debut = texte.index("<office:document")
    hostile = RIRES + texte[debut:].replace("Lefèvre", "&lol3;", 1)
    chemin = employeur.fichier("rires.fods")
    chemin.write_text(hostile, encoding="utf-8")
    assert "illisible" in _refuse(employeur, chemin)


def test_an_external_entity_in_a_workbook_is_never_resolved(employeur, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("NE-DOIT-PAS-SORTIR")
    source = FIXTURES / "agents.xlsx"
    chemin = employeur.fichier("xxe.xlsx")
    with zipfile.ZipFile(source) as entree, zipfile.ZipFile(chemin, "w") as sortie:
        for membre in entree.infolist():
            contenu = entree.read(membre)
            if membre.filename == "xl/sharedStrings.xml":
                texte = contenu.decode("utf-8")
                prologue = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
                texte = texte.replace("?>", "?>" + prologue, 1).replace("Lefèvre", "&xxe;", 1)
                contenu = texte.encode("utf-8")
            sortie.writestr(membre, contenu)
    r = employeur.importer(chemin, "--create-unites", "--dry-run")
    assert "NE-DOIT-PAS-SORTIR" not in r.stdout + r.stderr
    assert r.exit_code in (0, 7) and "inattendue" not in r.stderr


@pytest.mark.parametrize(
    "contenu, raison",
    [
        (
            '[{"nom": "Durand", "prenom": "Paul", "email": "p@x.fr", "telephone_mobile": %s}]'
            % ("9" * 100_000),
            "nombre de 100000 chiffres",
        ),
        (
            '[{"nom": "Durand", "prenom": "Paul", "email": "p@x.fr", "telephone_mobile": NaN}]',
            "« NaN » n'est pas une valeur JSON admise",
        ),
        (
            '[{"nom": "Durand", "prenom": "Paul", "email": "p@x.fr", "telephone_mobile": -Infinity}]',
            "« -Infinity » n'est pas une valeur JSON admise",
        ),
        (
            '[{"nom": "Durand", "prenom": "Paul", "email": "p@x.fr", "telephone_mobile": 1e999}]',
            "nombre hors limites",
        ),
    ],
    ids=["100000-chiffres", "nan", "infini", "1e999"],
)
def test_json_numbers_no_cell_holds_are_invalid_input(employeur, contenu, raison):
    chemin = employeur.fichier("agents.json")
    chemin.write_text(contenu)
    assert raison in _refuse(employeur, chemin)
    ndjson = employeur.fichier("agents.ndjson")
    ndjson.write_text(contenu[1:-1] + "\n")
    assert f"ligne 1 ({raison})" in _refuse(employeur, ndjson)


def test_a_flat_ods_row_repeated_past_the_bound_is_refused_not_cut_short(employeur):
    texte = (FIXTURES / "agents.fods").read_text(encoding="utf-8")
    debut = texte.index("<table:table-row", texte.index("<table:table-row") + 1)  # a data row
    fin = texte.index(">", debut)
    ligne = texte[debut:fin] + ' table:number-rows-repeated="20000"'
    chemin = employeur.fichier("repete.fods")
    chemin.write_text(texte[:debut] + ligne + texte[fin:], encoding="utf-8")
    assert "répétée 20000 fois" in _refuse(employeur, chemin)
