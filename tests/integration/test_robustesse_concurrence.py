"""SPEC §7, robustness: 8 processes creating accounts at once on the same store (the SQLite
file by default, one PostgreSQL database in the PostgreSQL pass). No duplicate identifiant, no
lost account, no half-created account (each has its ``compte_cree`` event and its e-mail), the
audit chain whole, and nothing of "database is locked", serialization failures or deadlocks
reaching the user.

Every command is a real ``python -m cpfadmin`` process acting as the operator through
``CPFADMIN_TOKEN``, as a script would. (Simultaneous logins: ``test_concurrency.py``.)"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import MOT_DE_PASSE_ADMIN
from tests.support.base import lignes
from tests.support.console import SIRET_AUTRE, SIRET_EMPLOYEUR, Console, courriels
from tests.support.pannes import (
    attendre_lecture_stdin,
    chaine_audit,
    comptes_entiers,
    ecritures_retenues,
    sortie_propre,
    une_ligne_francaise,
)
from tests.support.processus import Resultat, cpfadmin, lancer
from tests.support.tableurs import ENTETES_FRANCAIS, agents, octets_csv, unites_en_base

PROCESSUS = 8
AJOUTS_PAR_PROCESSUS = 5
LIGNES_PAR_IMPORT = 50
LIGNES_FICHIER_COMMUN = 120
DELAI = 120.0


@pytest.fixture
def jeton(cli, operateur, url_base: str) -> str:
    """The operator's session token, and the employer's organisme every process writes into."""
    console = Console(cli, url_base)
    jeton = console.connecter(operateur, MOT_DE_PASSE_ADMIN)
    console.creer_organisme(jeton, SIRET_EMPLOYEUR, "Transports Lumière SAS")
    return jeton


def _verifier_audit(jeton: str, url: str) -> int:
    r = cpfadmin("-o", "json", "audit", "verify", env={"CPFADMIN_TOKEN": jeton})
    assert r.code == 0, r
    n, _ = chaine_audit(url)
    assert r.json() == {"valide": True, "evenements_verifies": n}, r
    return n


def _un_courriel_par_compte(adresses: list[str]) -> None:
    """The processes deliver the queued e-mails right after their commit, all at once: each
    account's e-mail goes out exactly once."""
    recus = Counter(m["To"].lower() for m in courriels())
    attendues = Counter(a.lower() for a in adresses)
    assert {a: recus[a] for a in attendues} == attendues, (
        "e-mail non remis ou remis deux fois : "
        f"{sorted(a for a in attendues if recus[a] != 1)[:10]}"
    )


# --- 8 processes, each adding accounts one command at a time --------------------------------
@pytest.mark.slow
def test_eight_processes_adding_accounts_at_once_lose_none_and_duplicate_none(
    jeton: str, url_base: str
) -> None:
    avant, _ = chaine_audit(url_base)
    depart = threading.Barrier(PROCESSUS)

    def poste(n: int) -> list[Resultat]:
        depart.wait()
        resultats = []
        for i in range(AJOUTS_PAR_PROCESSUS):
            args = (
                "-o", "json", "gestionnaires", "add", "--organisme", SIRET_EMPLOYEUR,
                "--nom", "Lefèvre", "--prenom", f"Zoé {n}-{i}",
                "--email", f"zoe.lefevre.{n}.{i}@lumiere.example",
                "--telephone-mobile", "06 12 34 56 78",
            )  # fmt: skip
            resultats.append(cpfadmin(*args, env={"CPFADMIN_TOKEN": jeton}, delai=DELAI))
        return resultats

    debut = time.monotonic()
    with ThreadPoolExecutor(PROCESSUS) as executeur:
        resultats = [r for lot in executeur.map(poste, range(PROCESSUS)) for r in lot]
    duree = time.monotonic() - debut

    for r in resultats:
        sortie_propre(r.code, r.stderr)
    affiches = [r.json()["identifiant"] for r in resultats]
    attendu = PROCESSUS * AJOUTS_PAR_PROCESSUS
    assert len(set(affiches)) == attendu, "le même identifiant affiché à deux gestionnaires"

    comptes = comptes_entiers(url_base, SIRET_EMPLOYEUR)
    assert len(comptes) == attendu, f"{attendu - len(comptes)} compte(s) perdu(s)"
    assert sorted(c[1] for c in comptes) == sorted(affiches)
    assert _verifier_audit(jeton, url_base) == avant + attendu
    _un_courriel_par_compte([c[2] for c in comptes])
    print(f"\n{attendu} comptes créés par {PROCESSUS} processus en {duree:.1f} s")


# --- 8 processes creating the same thing at once: one wins, the others are told ------------
MEMES_CREATIONS = {
    "gestionnaire": (
        (
            "gestionnaires", "add", "--organisme", SIRET_EMPLOYEUR, "--nom", "Lefèvre",
            "--prenom", "Zoé", "--email", "zoe.lefevre@lumiere.example",
            "--telephone-mobile", "06 12 34 56 78",
        ),
        "Un compte existe déjà avec l'e-mail zoe.lefevre@lumiere.example",
        "SELECT COUNT(*) FROM compte WHERE email_cle = 'zoe.lefevre@lumiere.example'",
    ),
    "unite": (
        ("unites", "add", "Paie", "--organisme", SIRET_EMPLOYEUR),
        "L'unité « Paie » existe déjà",
        "SELECT COUNT(*) FROM unite WHERE libelle = 'Paie'",
    ),
    "organisme": (
        (
            "organismes", "add", "--siret", SIRET_AUTRE, "--raison-sociale", "Région Sud",
            "--type", "employeur_prive",
        ),
        f"Un organisme de SIRET {SIRET_AUTRE} existe déjà",
        f"SELECT COUNT(*) FROM organisme WHERE siret = '{SIRET_AUTRE}'",
    ),
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("quoi", MEMES_CREATIONS)
def test_eight_processes_creating_the_same_thing_at_once_one_wins_the_others_get_a_conflict(
    jeton: str, url_base: str, quoi: str
) -> None:
    """The writers are held back until all eight are inside their transaction, then let go
    together: exactly one creates, the seven others get the usual conflict (exit 6, one
    French line), as they would one after the other; never a "database unavailable"."""
    args, conflit, compter = MEMES_CREATIONS[quoi]
    avant, _ = chaine_audit(url_base)
    with ecritures_retenues(url_base) as attendre:
        processus = [lancer(*args, env={"CPFADMIN_TOKEN": jeton}) for _ in range(PROCESSUS)]
        attendre(PROCESSUS)
    sorties = []
    for p in processus:
        sortie, erreur = p.communicate(timeout=DELAI)
        sorties.append((p.returncode, sortie, erreur))

    codes = sorted(code for code, _, _ in sorties)
    assert codes == [0] + [6] * (PROCESSUS - 1), [e for _, _, e in sorties]
    for code, _, erreur in sorties:
        sortie_propre(code, erreur, attendu=code)
        if code == 6:
            assert conflit in une_ligne_francaise(erreur), erreur
    assert lignes(url_base, compter) == [(1,)]
    if quoi == "gestionnaire":
        assert len(comptes_entiers(url_base, SIRET_EMPLOYEUR)) == 1
    assert _verifier_audit(jeton, url_base) == avant + 1


# --- 8 imports at once ----------------------------------------------------------------------
def _imports_simultanes(jeton: str, fichiers: list[bytes]) -> list[tuple[int, str, str]]:
    """One ``gestionnaires import -`` per file, all started, authenticated and waiting on their
    standard input; then every file is written at once, so the writing passes overlap."""
    args = (
        "-o", "json", "gestionnaires", "import", "-", "--format", "csv",
        "--organisme", SIRET_EMPLOYEUR, "--create-unites",
    )  # fmt: skip
    processus = [lancer(*args, env={"CPFADMIN_TOKEN": jeton}) for _ in fichiers]
    try:
        attendre_lecture_stdin(processus, delai=30)

        def nourrir(paire: tuple[subprocess.Popen[str], bytes]) -> tuple[int, str, str]:
            p, octets = paire
            sortie, erreur = p.communicate(octets.decode("utf-8"), timeout=DELAI)
            return p.returncode, sortie, erreur

        with ThreadPoolExecutor(len(processus)) as executeur:
            return list(executeur.map(nourrir, zip(processus, fichiers, strict=True)))
    finally:
        for p in processus:
            if p.poll() is None:
                p.kill()
                p.wait()


@pytest.mark.slow
def test_eight_imports_into_one_organisme_at_once_create_every_row_once(
    jeton: str, url_base: str
) -> None:
    """Eight administrators' files (different agents, the same unités, none created yet)
    imported into one organisme at the same moment."""
    avant, _ = chaine_audit(url_base)
    fichiers = [
        octets_csv(agents(LIGNES_PAR_IMPORT, debut=1000 * n), entetes=ENTETES_FRANCAIS)
        for n in range(PROCESSUS)
    ]
    sorties = _imports_simultanes(jeton, fichiers)

    for code, sortie, erreur in sorties:
        sortie_propre(code, erreur)
        resume = json.loads(sortie)["resume"]
        assert resume == {
            "crees": LIGNES_PAR_IMPORT, "mis_a_jour": 0, "existants": 0, "rejetes": 0
        }, erreur  # fmt: skip

    attendu = PROCESSUS * LIGNES_PAR_IMPORT
    comptes = comptes_entiers(url_base, SIRET_EMPLOYEUR)
    assert len(comptes) == attendu, f"{attendu - len(comptes)} compte(s) perdu(s)"
    # Each unité created once, by whichever import came first, and audited once.
    unites = unites_en_base(url_base, SIRET_EMPLOYEUR)
    assert unites == sorted(["Paie", "Formation", "Ressources humaines", "Comptabilité"])
    r = cpfadmin(
        "-o", "json", "audit", "list", "--action", "unite_creee", "--limit", "1000",
        env={"CPFADMIN_TOKEN": jeton},
    )  # fmt: skip
    assert r.code == 0, r
    assert sorted(e["cible"] for e in r.json()) == unites
    assert _verifier_audit(jeton, url_base) == avant + attendu + len(unites)
    _un_courriel_par_compte([c[2] for c in comptes])


@pytest.mark.slow
def test_eight_imports_of_the_same_file_at_once_create_one_account_per_email(
    jeton: str, url_base: str
) -> None:
    """The same file sent eight times at once (a script retried in a loop, eight colleagues):
    the import is idempotent under concurrency too."""
    avant, _ = chaine_audit(url_base)
    rangees = agents(LIGNES_FICHIER_COMMUN, debut=5000)
    octets = octets_csv(rangees, entetes=ENTETES_FRANCAIS)
    sorties = _imports_simultanes(jeton, [octets] * PROCESSUS)

    crees = 0
    for code, sortie, erreur in sorties:
        sortie_propre(code, erreur)
        resume = json.loads(sortie)["resume"]
        assert resume["rejetes"] == 0 and resume["mis_a_jour"] == 0, resume
        assert resume["crees"] + resume["existants"] == LIGNES_FICHIER_COMMUN, resume
        crees += resume["crees"]
    assert crees == LIGNES_FICHIER_COMMUN, "des comptes créés deux fois, ou perdus"

    comptes = comptes_entiers(url_base, SIRET_EMPLOYEUR)
    assert sorted(c[2] for c in comptes) == sorted(a["email"] for a in rangees)
    unites = unites_en_base(url_base, SIRET_EMPLOYEUR)
    assert len(unites) == 4, unites
    assert _verifier_audit(jeton, url_base) == avant + LIGNES_FICHIER_COMMUN + len(unites)
    _un_courriel_par_compte([c[2] for c in comptes])
