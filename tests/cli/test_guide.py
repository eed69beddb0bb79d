"""The guide's examples run as printed."""

from pathlib import Path

from tests.conftest import json_de

RACINE = Path(__file__).resolve().parents[2]
EXEMPLE = RACINE / "docs" / "guide" / "exemple-agents.csv"


def test_the_guides_sample_file_made_in_excel_imports_with_its_accents(cli, operateur):
    r = cli("-o", "json", "gestionnaires", "import", str(EXEMPLE), "--create-unites", "--dry-run")
    assert r.exit_code == 0, r.stderr
    assert json_de(r)["resume"]["a_creer"] == 4
    r = cli("-o", "json", "gestionnaires", "import", str(EXEMPLE), "--create-unites")
    assert r.exit_code == 0, r.stderr
    rapport = json_de(r)
    assert rapport["resume"]["crees"] == 4
    assert rapport["source"].startswith("CSV (Windows-1252")
    comptes = {c["email"]: c for c in json_de(cli("-o", "json", "gestionnaires", "list"))}
    assert comptes["helene.lefevre@exemple.fr"]["prenom"] == "Hélène"
    assert comptes["francois.muller@exemple.fr"]["nom"] == "Müller"
    assert comptes["francois.muller@exemple.fr"]["role"] == "administrateur_delegue"
    assert comptes["zoe.dupre@exemple.fr"]["unite"] == "Ressources humaines"
    # Run again: nothing is created twice.
    r = cli("-o", "json", "gestionnaires", "import", str(EXEMPLE), "--create-unites")
    assert json_de(r)["resume"]["existants"] == 4
