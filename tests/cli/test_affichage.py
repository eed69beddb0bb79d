"""What a person reads in table output (issue 11, points 6, 7, 8, 13, 15): one French label
per field in every view, accented values in tables and codes in JSON, identifiants never cut at
narrow widths, one line per audit event, long tables through the pager at a terminal only,
Paris times with the zone named, and ``-o csv`` agreeing with ``export``."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import select
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.console import MOT_DE_PASSE_ADMIN
from tests.support.processus import commande, cpfadmin, environnement

REGLE = re.compile(r"^─+(  ─+)*$")


def _ajouter(cli, nom: str, email: str, *options: str):  # type: ignore[no-untyped-def]
    r = cli(
        "gestionnaires", "add", "--nom", nom, "--prenom", "Léa", "--email", email,
        "--telephone-mobile", "0611223344", *options,
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    return r


def _identifiant(r) -> str:  # type: ignore[no-untyped-def]
    return re.search(r"identifiant (\w{8})", r.stderr).group(1)  # type: ignore[union-attr]


def _libelles(sortie: str) -> list[str]:
    """The labels of a one-record view: what comes before the two spaces of each line."""
    return [ligne.split("  ")[0] for ligne in sortie.splitlines() if ligne and ligne[0] != " "]


def _corps(sortie: str) -> list[str]:
    """The rows of a list: the lines after the rule under the header."""
    lignes = sortie.splitlines()
    debut = next(i for i, ligne in enumerate(lignes) if REGLE.match(ligne))
    return lignes[debut + 1 :]


def test_add_update_and_show_print_the_same_labels(cli, operateur):
    ajoute = _ajouter(cli, "Durand", "lea.durand@example.fr")
    ident = _identifiant(ajoute)
    modifie = cli("gestionnaires", "update", ident, "--nom", "Durand-Petit")
    montre = cli("gestionnaires", "show", ident)
    assert modifie.exit_code == 0 and montre.exit_code == 0, modifie.stderr + montre.stderr
    labels = _libelles(ajoute.stdout)
    assert "Identifiant" in labels and "Niveau d'habilitation" in labels
    assert _libelles(modifie.stdout) == labels
    assert _libelles(montre.stdout)[: len(labels)] == labels
    assert "identifiant" not in _libelles(montre.stdout)


def test_tables_show_accented_values_and_json_keeps_the_codes(cli, operateur):
    ident = _identifiant(_ajouter(cli, "Durand", "lea.durand@example.fr", "--delegue"))
    assert cli("gestionnaires", "remove", ident, "--yes").exit_code == 0
    table = cli("gestionnaires", "list", "--statut", "supprime").stdout
    assert "supprimé" in table and "adm. délégué" in table
    donnees = json.loads(cli("-o", "json", "gestionnaires", "list", "--statut", "supprime").stdout)
    assert donnees[0]["statut"] == "supprime"
    assert donnees[0]["role"] == "administrateur_delegue"
    # the same rôle reads the same in a list and in a record
    assert "adm. principal" in cli("gestionnaires", "list").stdout
    assert "adm. principal" in cli("me").stdout
    assert "adm. principal" in cli("gestionnaires", "show", operateur).stdout
    fiche = json.loads(cli("-o", "json", "gestionnaires", "show", ident).stdout)
    assert fiche["statut"] == "supprime"


@pytest.mark.parametrize("colonnes", ["60", "80"])
def test_the_identifiant_is_whole_in_every_row_at_a_narrow_terminal(cli, operateur, colonnes):
    for i in range(3):
        _ajouter(
            cli,
            f"Nom-très-long-de-famille-{i}",
            f"une.adresse.vraiment.tres.longue.{i}@un-domaine-de-messagerie.example.fr",
            "--unite" if False else "--niveau",
            "gestion",
        )
    comptes = json.loads(cli("-o", "json", "gestionnaires", "list").stdout)
    table = cli("gestionnaires", "list", env={"COLUMNS": colonnes}).stdout
    lignes = table.splitlines()
    assert all(len(ligne) <= int(colonnes) for ligne in lignes), table
    debuts = [ligne.split("  ")[0] for ligne in _corps(table)]
    for compte in comptes:
        assert compte["identifiant"] in debuts, table


def test_audit_list_keeps_one_line_per_event_at_80_columns(cli, operateur):
    for i in range(2):
        _ajouter(cli, f"Durand{i}", f"une.adresse.assez.longue.{i}@exemple-de-domaine.fr")
    evenements = json.loads(cli("-o", "json", "audit", "list").stdout)
    table = cli("audit", "list", env={"COLUMNS": "80"}).stdout
    corps = _corps(table)
    assert len(corps) == len(evenements), table
    assert all(len(ligne) <= 80 for ligne in table.splitlines()), table
    for ligne, evenement in zip(corps, evenements, strict=True):
        assert ligne.split()[0] == str(evenement["seq"])
        assert evenement["action"] in ligne


@pytest.mark.parametrize("largeur", [60, 80])
def test_audit_list_at_a_narrow_terminal_keeps_every_time_and_identifiant_whole(
    cli, operateur, largeur
):
    _ajouter(cli, "Durand", "une.adresse.assez.longue@exemple-de-domaine.fr")
    table = cli("audit", "list", env={"COLUMNS": str(largeur)}).stdout
    assert "Détails" in table.splitlines()[0], table  # the header word is never cut
    for ligne in _corps(table):
        assert re.match(r"\d+\s+\d\d/\d\d/\d{4} \d\d:\d\d\s", ligne), table
        assert operateur in ligne or "initialisation" in ligne, table


def test_times_in_tables_are_paris_times_and_json_has_offsets(cli, operateur):
    fiche = cli("gestionnaires", "show", operateur).stdout
    assert re.search(r"Dernière connexion\s+\d\d/\d\d/\d{4} à \d\d:\d\d \(heure de Paris\)", fiche)
    me = cli("me").stdout
    assert re.search(r"Session valable jusqu'au\s+.*\(heure de Paris\)", me)
    assert re.search(r"Session close après\s+60 min sans activité", me)
    assert "(heure de Paris)" in cli("audit", "list").stdout.splitlines()[0]
    donnees = json.loads(cli("-o", "json", "gestionnaires", "show", operateur).stdout)
    assert re.search(r"[+-]\d\d:\d\d$", donnees["derniere_connexion_le"])
    assert json.loads(cli("-o", "json", "me").stdout)["session_inactivite_minutes"] == 60


def test_login_names_both_limits_of_the_session_as_me_does(cli, operateur):
    r = cli("login", operateur, "--password-stdin", input=f"{MOT_DE_PASSE_ADMIN}\n")
    assert r.exit_code == 0, r.stderr
    assert re.search(
        r"Session valable jusqu'au \d\d/\d\d/\d{4} à \d\d:\d\d \(heure de Paris\), "
        r"close après 60 min sans activité",
        r.stderr,
    ), r.stderr


def test_csv_output_and_export_agree_on_phones_and_keep_the_injection_guard(cli, operateur):
    # a Pacific number has no national form that reads back: it stays international, and the
    # leading « + » gets the apostrophe of the CSV-injection guard, in both
    _ajouter(cli, "Durand", "lea.durand@example.fr", "--telephone-fixe", "+687 25 12 34")
    liste = list(csv.DictReader(io.StringIO(cli("-o", "csv", "gestionnaires", "list").stdout),
                                delimiter=";"))  # fmt: skip
    export = list(csv.DictReader(io.StringIO(cli("gestionnaires", "export").stdout.lstrip("\ufeff")),
                                 delimiter=";"))  # fmt: skip
    par_id = {e["identifiant"]: e for e in export}
    for ligne in liste:
        autre = par_id[ligne["identifiant"]]
        for cle in ("nom", "telephone_fixe", "telephone_mobile", "role", "statut"):
            assert ligne[cle] == autre[cle], cle
    lea = next(ligne for ligne in liste if ligne["email"] == "lea.durand@example.fr")
    assert lea["telephone_mobile"] == "06 11 22 33 44"
    assert lea["telephone_fixe"].startswith("'+687")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d", lea["cree_le"])
    # JSON keeps E.164
    assert json.loads(cli("-o", "json", "gestionnaires", "list").stdout)[0][
        "telephone_mobile"
    ].startswith("+33")


# --- the pager --------------------------------------------------------------------------------
def _a_un_terminal(args: list[str], env: dict[str, str], delai: float = 60.0) -> str:
    """Run cpfadmin with stdout on a pseudo terminal (stdin a pipe); returns what it wrote."""
    maitre, esclave = pty.openpty()
    processus = subprocess.Popen(
        commande(*args), stdin=subprocess.DEVNULL, stdout=esclave, stderr=esclave,
        env=environnement(env), close_fds=True,
    )  # fmt: skip
    os.close(esclave)
    lu = b""
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        prets, _, _ = select.select([maitre], [], [], 0.2)
        if prets:
            try:
                morceau = os.read(maitre, 65536)
            except OSError:
                break
            if not morceau:
                break
            lu += morceau
        elif processus.poll() is not None:
            break
    processus.wait(timeout=delai)
    os.close(maitre)
    return lu.decode("utf-8", "replace")


def _connecter_hors_processus(identifiant: str) -> None:
    r = cpfadmin("login", identifiant, "--password-stdin", entree=f"{MOT_DE_PASSE_ADMIN}\n")
    assert r.code == 0, r


def test_a_long_table_at_a_terminal_goes_through_the_pager(operateur, tmp_path: Path):
    _connecter_hors_processus(operateur)
    marqueur = tmp_path / "pager-lancé"
    pager = f"cat > {tmp_path / 'page.txt'}; touch {marqueur}"
    sortie = _a_un_terminal(["audit", "list"], {"PAGER": pager, "LINES": "4"})
    assert marqueur.exists(), sortie
    assert "connexion_reussie" in (tmp_path / "page.txt").read_text(encoding="utf-8")


def test_no_pager_when_the_table_fits_or_is_disabled(operateur, tmp_path: Path):
    _connecter_hors_processus(operateur)
    marqueur = tmp_path / "pager-lancé"
    pager = f"cat >/dev/null; touch {marqueur}"
    sortie = _a_un_terminal(["audit", "list"], {"PAGER": pager, "LINES": "200"})
    assert "connexion_reussie" in sortie and not marqueur.exists()
    sortie = _a_un_terminal(["audit", "list"], {"PAGER": "cat", "LINES": "4"})
    assert "connexion_reussie" in sortie


def test_no_pager_when_stdout_is_not_a_terminal(operateur, tmp_path: Path):
    _connecter_hors_processus(operateur)
    marqueur = tmp_path / "pager-lancé"
    r = cpfadmin("audit", "list", env={"PAGER": f"cat >/dev/null; touch {marqueur}", "LINES": "4"})
    assert r.code == 0, r
    assert "connexion_reussie" in r.stdout and not marqueur.exists()
