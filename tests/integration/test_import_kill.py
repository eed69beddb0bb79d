"""An import killed with SIGKILL at random moments, then simply run again (SPEC §6, §7): no
account without its audit event and its e-mail, no e-mail without its account, the audit chain
whole, and in the end exactly what an uninterrupted run gives in a fresh store.

The import runs as a real process (``python -m cpfadmin gestionnaires import FILE``) with the
operator's session in ``CPFADMIN_TOKEN``, as a script would."""

from __future__ import annotations

import contextlib
import os
import random
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from cpfadmin.services.analyse_import import LOT
from tests.conftest import BACKEND, MOT_DE_PASSE_ADMIN
from tests.support import gabarits
from tests.support.base import lignes, url_sqlalchemy
from tests.support.console import SIRET_EMPLOYEUR, Console, evenements
from tests.support.processus import (
    commande,
    cpfadmin,
    employeur_pret,
    environnement,
)
from tests.support.tableurs import ENTETES_FRANCAIS, agents, comptes_en_base, ecrire_csv

pytestmark = pytest.mark.slow

# At least two batches, so that a kill can fall between two commits (1,500 rows when a batch
# was 500; the writing pass now commits every ``LOT`` rows).
AGENTS = max(1500, LOT + LOT // 4)
# Twenty kills in all (issue 6): the first after the first batch, then these at random moments.
# CPFADMIN_TEST_ESSAIS_KILL lowers it for a quick local run.
ESSAIS_ALEATOIRES = int(os.environ.get("CPFADMIN_TEST_ESSAIS_KILL", "19"))
DELAI_MIN = 0.2


def _import(fichier: Path) -> tuple[str, ...]:
    return (
        "gestionnaires", "import", str(fichier),
        "--organisme", SIRET_EMPLOYEUR, "--create-unites",
    )  # fmt: skip


def _etat_final(url: str) -> set[tuple[Any, ...]]:
    return {
        (
            c["email"],
            c["nom"],
            c["prenom"],
            c["unite"],
            c["telephone_fixe"],
            c["telephone_mobile"],
            c["niveau_habilitation"],
            c["role"],
            c["statut"],
        )
        for c in comptes_en_base(url, SIRET_EMPLOYEUR)
    }


def _magasin_neuf(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    """Another store with its own operator and the same organisme: its URL and the
    environment of a workstation on it."""
    maison = tmp_path / "reference"
    maison.mkdir()
    (maison / "config.toml").write_text("")
    if BACKEND == "postgresql":
        url = request.getfixturevalue("base_postgres")
    else:
        url = f"sqlite:///{maison / 'data' / 'cpfadmin.db'}"
    gabarits.preparer(url)
    env: dict[str, Any] = {
        "CPFADMIN_HOME": str(maison),
        "CPFADMIN_TEST_KEYRING_FILE": str(tmp_path / "keyring-reference.json"),
        "CPFADMIN_DATABASE_URL": url if BACKEND == "postgresql" else None,
        "CPFADMIN_TOKEN": None,
    }
    employeur_pret(SIRET_EMPLOYEUR, MOT_DE_PASSE_ADMIN, env=env)
    return url, env


COMPTER = (
    "SELECT COUNT(*) FROM compte c JOIN organisme o ON o.id = c.organisme_id WHERE o.siret = :siret"
)


def _comptes(url: str) -> int:
    return lignes(url, COMPTER, siret=SIRET_EMPLOYEUR)[0][0]


def _aucun_compte_a_moitie_cree(url: str) -> int:
    """Every account of the organisme has exactly one ``compte_cree`` event and one e-mail;
    every such event and every e-mail has its account. Returns the number of accounts."""
    comptes = comptes_en_base(url, SIRET_EMPLOYEUR)
    identifiants = [c["identifiant"] for c in comptes]
    ids = {c["id"] for c in comptes}
    crees = [
        e["cible"] for e in evenements(url, "compte_cree") if e["organisme"] == SIRET_EMPLOYEUR
    ]
    assert sorted(crees) == sorted(identifiants), "compte sans événement, ou événement sans compte"
    messages = lignes(url, "SELECT compte_id, statut FROM message")
    tous = {r[0] for r in lignes(url, "SELECT id FROM compte")}
    orphelins = [m for m in messages if m[0] is None or m[0] not in tous]
    assert not orphelins, f"message sans compte : {orphelins[:5]}"
    par_compte: dict[int, int] = {}
    for compte_id, statut in messages:
        if compte_id in ids:
            assert statut in ("en_attente", "envoye"), statut
            par_compte[compte_id] = par_compte.get(compte_id, 0) + 1
    assert par_compte == dict.fromkeys(ids, 1), "compte sans son e-mail, ou e-mail en double"
    unites = [
        e["cible"] for e in evenements(url, "unite_creee") if e["organisme"] == SIRET_EMPLOYEUR
    ]
    assert len(unites) == len(set(unites)), unites
    assert _comptes(url) == len(comptes)
    return len(comptes)


def _lancer(fichier: Path, env: dict[str, Any]) -> subprocess.Popen[str]:
    """The import as a process of its own, stdin closed (a pipe, never a terminal)."""
    return subprocess.Popen(
        commande(*_import(fichier)),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environnement(env),
    )


def _tuer(processus: subprocess.Popen[str]) -> tuple[int, str]:
    if processus.poll() is None:
        processus.kill()  # SIGKILL on POSIX: no handler, no cleanup, no rollback by the process
    _, stderr = processus.communicate(timeout=60)
    return processus.returncode, stderr


def _verifier_audit(env: dict[str, Any]) -> dict[str, Any]:
    r = cpfadmin("-o", "json", "audit", "verify", env=env)
    assert r.code == 0, r
    return r.json()


def test_import_killed_at_random_moments_then_rerun_ends_as_an_uninterrupted_run(
    cli, operateur, url_base: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    debut_test = time.monotonic()
    fichier = ecrire_csv(
        tmp_path / "agents.csv", agents(AGENTS), entetes=ENTETES_FRANCAIS, encodage="cp1252"
    )

    # The uninterrupted run, into a fresh store: the expected end state, and how long it takes.
    url_reference, env_reference = _magasin_neuf(tmp_path, request)
    debut = time.monotonic()
    r = cpfadmin(*_import(fichier), env=env_reference)
    duree = time.monotonic() - debut
    assert r.code == 0, r
    attendu = _etat_final(url_reference)
    assert len(attendu) == AGENTS
    assert _aucun_compte_a_moitie_cree(url_reference) == AGENTS

    # The store under test: the operator's session, handed to the processes as a script would.
    console = Console(cli, url_base)
    jeton = console.connecter(operateur, MOT_DE_PASSE_ADMIN)
    console.creer_organisme(jeton, SIRET_EMPLOYEUR, "Transports Lumière SAS")
    env = {"CPFADMIN_TOKEN": jeton}

    graine = int(os.environ.get("CPFADMIN_TEST_GRAINE", time.time_ns() % 1_000_000))
    hasard = random.Random(graine)
    journal: list[str] = [f"graine {graine}, exécution complète {duree:.2f} s"]

    # First, a kill as soon as this run has committed its first batch: the next one is being
    # written, and what the first one wrote must stay whole.
    moteur = create_engine(url_sqlalchemy(url_base))
    try:
        with moteur.connect() as guet:
            p = _lancer(fichier, env)
            limite = time.monotonic() + 60
            while p.poll() is None and time.monotonic() < limite:
                n = guet.execute(text(COMPTER), {"siret": SIRET_EMPLOYEUR}).scalar_one()
                guet.rollback()  # a fresh snapshot at each look
                if n:
                    break
            time.sleep(hasard.uniform(0, 0.01))
            code, stderr = _tuer(p)
    finally:
        moteur.dispose()
    assert "Traceback" not in stderr, stderr
    n = _aucun_compte_a_moitie_cree(url_base)
    journal.append(f"tué après le premier lot : code {code}, {n} comptes")
    assert code == -9 and 0 < n < AGENTS, journal
    assert _verifier_audit(env)["valide"] is True, journal

    # Then kills at random moments, from start-up to the end of a full run.
    for delai in sorted(hasard.uniform(DELAI_MIN, duree) for _ in range(ESSAIS_ALEATOIRES)):
        p = _lancer(fichier, env)
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(timeout=delai)
        code, stderr = _tuer(p)
        assert "Traceback" not in stderr, (journal, stderr)
        n = _aucun_compte_a_moitie_cree(url_base)
        journal.append(f"tué à {delai:.2f} s : code {code}, {n} comptes")
        assert _verifier_audit(env)["valide"] is True, journal

    # Run again, to completion.
    r = cpfadmin("-o", "json", *_import(fichier), env=env)
    assert r.code == 0, (journal, r)
    resume = r.json()["resume"]
    assert resume["rejetes"] == 0
    assert resume["crees"] + resume["existants"] == AGENTS, (journal, resume)

    assert _aucun_compte_a_moitie_cree(url_base) == AGENTS, journal
    assert _verifier_audit(env)["valide"] is True
    assert _etat_final(url_base) == attendu, journal
    # And one more run changes nothing.
    r = cpfadmin("-o", "json", *_import(fichier), env=env)
    assert r.code == 0, r
    assert r.json()["resume"] == {"crees": 0, "mis_a_jour": 0, "existants": AGENTS, "rejetes": 0}
    assert _etat_final(url_base) == attendu
    print("\n".join(journal), f"\ndurée du test : {time.monotonic() - debut_test:.1f} s")


def test_two_imports_of_one_file_at_once_both_finish_and_create_each_account_once(
    cli, operateur, url_base: str, tmp_path: Path
) -> None:
    """Two administrators run the same file at the same moment (or a script is started twice):
    each batch checks again which e-mails exist inside its transaction, so the slower one finds
    the other's accounts and skips them instead of failing on the unique e-mail or unité."""
    fichier = ecrire_csv(tmp_path / "agents.csv", agents(AGENTS), entetes=ENTETES_FRANCAIS)
    console = Console(cli, url_base)
    jeton = console.connecter(operateur, MOT_DE_PASSE_ADMIN)
    console.creer_organisme(jeton, SIRET_EMPLOYEUR, "Transports Lumière SAS")
    env = {"CPFADMIN_TOKEN": jeton}

    processus = [_lancer(fichier, env) for _ in range(2)]
    sorties = []
    for p in processus:
        _, stderr = p.communicate(timeout=120)
        sorties.append((p.returncode, stderr))

    for code, stderr in sorties:
        assert "Traceback" not in stderr and "inattendue" not in stderr, stderr
        assert code == 0, stderr
    assert _aucun_compte_a_moitie_cree(url_base) == AGENTS
    assert _verifier_audit(env)["valide"] is True
