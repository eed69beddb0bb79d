"""The import names its organisme (issue 11, point 14): an operator must say which with
``--organisme`` (the CDC by omission rejected every row), an administrator imports into his
own; the summary names the organisme; the delivery of the e-mails reports its progress."""

import pytest

from tests.support.console import (
    SIRET_EMPLOYEUR,
    comptes,
    courriels,
    employeur_inscrit,
    erreur_en_une_ligne,
)

CSV = (
    "nom;prenom;email;telephone_mobile\n"
    "Durand;Paul;paul.durand@lumiere.example;0611223344\n"
    "Petit;Léa;lea.petit@lumiere.example;0611223355\n"
)


@pytest.fixture
def monde(console, operateur):
    """The operator's token, Chloé Bernard (principal admin of the employer) and her token."""
    return employeur_inscrit(console, operateur)


@pytest.fixture
def fichier(tmp_path):
    chemin = tmp_path / "agents.csv"
    chemin.write_text(CSV, encoding="utf-8")
    return chemin


def test_an_operator_must_name_the_organisme(console, monde, fichier, url_base):
    op, _, _ = monde
    avant = len(courriels())
    r = console("gestionnaires", "import", str(fichier), jeton=op)
    assert r.exit_code == 7, (r.stdout, r.stderr)
    ligne = erreur_en_une_ligne(r)
    assert "--organisme SIRET" in ligne and "rien n'a été importé" in ligne
    assert len(courriels()) == avant
    assert len(comptes(url_base, "18002002600019")) == 1  # the operator alone


def test_an_operator_naming_the_organisme_imports_there_and_the_summary_says_where(
    console, monde, fichier, url_base
):
    op, _, _ = monde
    r = console.ok(
        "gestionnaires", "import", str(fichier), "--organisme", SIRET_EMPLOYEUR, jeton=op
    )
    assert f"Import dans « Transports Lumière SAS » (SIRET {SIRET_EMPLOYEUR})" in r.stderr
    assert "2 créé(s)" in r.stderr
    emails = {c["email"] for c in comptes(url_base, SIRET_EMPLOYEUR)}
    assert {"paul.durand@lumiere.example", "lea.petit@lumiere.example"} <= emails


def test_an_administrator_imports_into_his_own_organisme_by_default(console, monde, fichier):
    _, _, jeton_ap = monde
    r = console.ok("gestionnaires", "import", str(fichier), "--dry-run", jeton=jeton_ap)
    assert f"Simulation dans « Transports Lumière SAS » (SIRET {SIRET_EMPLOYEUR})" in r.stderr
    rapport = console.json("gestionnaires", "import", str(fichier), jeton=jeton_ap)
    assert rapport["organisme_siret"] == SIRET_EMPLOYEUR
    assert rapport["organisme_raison_sociale"] == "Transports Lumière SAS"


@pytest.mark.local_seulement("à distance, le serveur remet les e-mails après avoir répondu")
def test_the_delivery_of_the_import_reports_its_progress(console, monde, fichier, monkeypatch):
    """The CLI gives ctx.livrer a progress callback (a bar at a terminal), fed by each send."""
    from cpfadmin.cli import gestionnaires

    vus: list[tuple[str, int | None, list[int]]] = []

    import contextlib

    @contextlib.contextmanager
    def progression(libelle, total=None, unite="lignes"):
        etapes: list[int] = []
        vus.append((libelle, total, etapes))
        yield etapes.append

    monkeypatch.setattr(gestionnaires, "_progression", progression)
    _, _, jeton_ap = monde
    console.ok("gestionnaires", "import", str(fichier), jeton=jeton_ap)
    envoi = [v for v in vus if v[0] == "Envoi des e-mails"]
    assert envoi == [("Envoi des e-mails", 2, [1, 2])]
