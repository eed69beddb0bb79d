"""The import report streamed as one JSON object (``cli.output.ecrire_json_en_flux``)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from cpfadmin.cli.output import ecrire_json_en_flux, en_json


def _flux(entete, elements) -> str:  # type: ignore[no-untyped-def]
    sortie = io.StringIO()
    ecrire_json_en_flux(sortie, entete, "lignes", elements)
    return sortie.getvalue()


def test_the_stream_is_the_object_it_describes_indented_like_a_record():
    entete = {"source": "agents.csv", "resume": {"crees": 2, "rejetes": 0}, "unites": ["Paie"]}
    lignes = [{"ligne": 2, "resultat": "cree"}, {"ligne": 3, "resultat": "cree"}]
    texte = _flux(entete, iter(lignes))
    assert json.loads(texte) == {**entete, "lignes": lignes}
    # the header as en_json indents a record; one report line per line
    debut = en_json(entete)[:-2]
    assert texte.startswith(debut + ",\n")
    assert '\n    {"ligne": 2, "resultat": "cree"},\n' in texte


def test_no_lines_dates_and_accents():
    texte = _flux({"quand": datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "nom": "Hélène"}, iter(()))
    assert json.loads(texte) == {
        "quand": "2026-03-02T09:00:00+00:00",
        "nom": "Hélène",
        "lignes": [],
    }
    assert "Hélène" in texte


def test_elements_are_read_one_at_a_time():
    lus = []

    def lignes():  # type: ignore[no-untyped-def]
        for n in range(3):
            lus.append(n)
            yield {"n": n}

    sortie = io.StringIO()
    ecrire_json_en_flux(sortie, {}, "lignes", lignes())
    assert lus == [0, 1, 2] and json.loads(sortie.getvalue()) == {
        "lignes": [{"n": 0}, {"n": 1}, {"n": 2}]
    }
