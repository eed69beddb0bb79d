"""SPEC §7, robustness when the store fails underneath: the PostgreSQL server stopped in the
middle of an import (as a crash: ``pg_ctl stop -m immediate``) or down from the start, a
SQLite file made read-only, a SQLite file corrupted. Each time the command ends with exit 8
and one French line, never a traceback; a server that never answers is given up after the
configured ``connect_timeout_seconds`` (a short one is injected here: the tests assert what
happens, never how many seconds it took); and once the store is back, nothing is
half-written and running the command again finishes the job.

(An import killed with SIGKILL: ``test_import_kill.py``.)"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import MOT_DE_PASSE_ADMIN, ajouter_configuration, exiger
from tests.support.console import SIRET_EMPLOYEUR, Console, empreinte
from tests.support.pannes import (
    PostgresJetable,
    chaine_audit,
    comptes_de,
    comptes_entiers,
    passe_droit_retirable,
    postgres_jetable_possible,
    sans_passe_droit,
    une_ligne_francaise,
    verrou_postgres,
)
from tests.support.processus import (
    Resultat,
    commande,
    cpfadmin,
    employeur_pret,
    environnement,
    lancer,
)
from tests.support.tableurs import ENTETES_FRANCAIS, agents, ecrire_csv
from tests.support.terminal import Terminal


def code_de_fin(terminal: Terminal) -> int:
    return terminal.fin(delai=120)


AGENTS = 4000  # two write batches
DELAI_CONNEXION = 2  # connect_timeout_seconds injected: libpq's minimum
JETON_FACTICE = "cpf_" + "x" * 43


def _ajout(n: int, siret: str = SIRET_EMPLOYEUR) -> tuple[str, ...]:
    return (
        "gestionnaires", "add", "--organisme", siret, "--nom", "Bérard",
        "--prenom", f"Noël {n}", "--email", f"noel.berard.{n}@lumiere.example",
        "--telephone-mobile", "06 12 34 56 78",
    )  # fmt: skip


def _import(fichier: Path) -> tuple[str, ...]:
    return (
        "gestionnaires", "import", str(fichier),
        "--organisme", SIRET_EMPLOYEUR, "--create-unites",
    )  # fmt: skip


def _indisponible(r: Resultat) -> str:
    """Exit 8, one line « Erreur : Base de données … », no traceback."""
    assert r.code == 8, r
    ligne = une_ligne_francaise(r.stderr)
    assert "Base de données" in ligne, r
    assert "erreur du pilote" not in ligne, r  # the driver's reason, said in French
    assert r.stdout == "", r
    return ligne


# --- PostgreSQL stopped in the middle of an import ---------------------------------------------
@pytest.fixture
def postgres_jetable() -> Iterator[PostgresJetable]:
    possible, raison = postgres_jetable_possible()
    exiger(possible, raison)
    grappe = PostgresJetable()
    try:
        grappe.initialiser().demarrer()
        yield grappe
    finally:
        grappe.detruire()


def _fin_apres_arret(p: subprocess.Popen[str], args: tuple[str, ...]) -> Resultat:
    """The interrupted command's outcome: exit 8, no traceback, the error as the last line
    (checked further by the caller)."""
    sortie, erreur = p.communicate(timeout=120)  # a hang, not a speed limit
    r = Resultat(args, p.returncode, sortie, erreur)
    assert r.code == 8, r
    assert "Traceback" not in r.stderr, r
    assert r.lignes_erreur[-1].startswith("Erreur : Base de données indisponible"), r
    return r


def _revenu_entier(grappe: PostgresJetable, env: dict[str, str | None]) -> int:
    """The server back after crash recovery: no half-created account, the chain whole."""
    grappe.demarrer()
    n = len(comptes_entiers(grappe.url, SIRET_EMPLOYEUR))
    chaine_audit(grappe.url)
    r = cpfadmin("-o", "json", "audit", "verify", env=env)
    assert r.code == 0 and r.json()["valide"] is True, r
    return n


@pytest.mark.slow
def test_postgres_stopped_during_an_import_exits_8_then_a_rerun_completes_it(
    postgres_jetable: PostgresJetable, tmp_path: Path
) -> None:
    grappe = postgres_jetable
    url = grappe.url
    env: dict[str, str | None] = {"CPFADMIN_DATABASE_URL": url, "CPFADMIN_TOKEN": None}
    employeur_pret(SIRET_EMPLOYEUR, MOT_DE_PASSE_ADMIN, env=env)
    r = cpfadmin("unites", "add", "Paie", "--organisme", SIRET_EMPLOYEUR, env=env)
    assert r.code == 0, r
    rangees = agents(AGENTS)  # the 5th row (n = 4) is in « Paie », as many after it
    fichier = ecrire_csv(tmp_path / "agents.csv", rangees, entetes=ENTETES_FRANCAIS)
    args = _import(fichier)

    # 1. The server dies in the middle of the first batch's multi-row INSERT of 2,000
    # accounts (pipelined by psycopg): the test holds the row of the unité « Paie », which the
    # foreign key of the 5th account must share-lock.
    verrouiller = "SELECT id FROM unite WHERE libelle = 'Paie' FOR UPDATE"
    with verrou_postgres(url, verrouiller) as attendre:
        p = lancer(*args, env=env)
        assert attendre(1), "l'import n'a pas atteint l'écriture de son premier lot"
        grappe.arreter("immediate")
    r = _fin_apres_arret(p, args)
    une_ligne_francaise(r.stderr)

    # While it is down, any command fails the same way, quickly.
    for commande_ in (("me",), _ajout(1), ("audit", "verify")):
        _indisponible(cpfadmin(*commande_, env=env))
    assert _revenu_entier(grappe, env) == 0, "des comptes d'une transaction jamais validée"

    # 2. Again, just after the import committed its first batch.
    p = lancer(*args, env=env)
    limite = time.monotonic() + 60
    vus = 0
    while p.poll() is None and not vus and time.monotonic() < limite:
        vus = len(comptes_de(url, SIRET_EMPLOYEUR))
        time.sleep(0.01)
    assert p.poll() is None, f"l'import a fini avant l'arrêt du serveur : {p.communicate()}"
    grappe.arreter("immediate")
    r = _fin_apres_arret(p, args)
    partiels = _revenu_entier(grappe, env)
    assert vus <= partiels <= AGENTS, f"{vus} comptes vus validés avant l'arrêt, {partiels} après"
    if partiels < AGENTS:
        une_ligne_francaise(r.stderr)
    # else the stop only caught the e-mail delivery, after the import's summary.

    # 3. Running the same import again finishes the job.
    r = cpfadmin("-o", "json", *args, env=env, delai=180)
    assert r.code == 0, r
    assert r.json()["resume"] == {
        "crees": AGENTS - partiels, "mis_a_jour": 0, "existants": partiels, "rejetes": 0,
    }  # fmt: skip
    comptes = comptes_entiers(url, SIRET_EMPLOYEUR)
    assert sorted(c[2] for c in comptes) == sorted(a["email"] for a in rangees)
    n, _ = chaine_audit(url)
    r = cpfadmin("-o", "json", "audit", "verify", env=env)
    assert r.code == 0, r
    assert r.json() == {"valide": True, "evenements_verifies": n}
    print(f"\narrêt après validation du premier lot : {vus} vus, {partiels} conservés")


# --- PostgreSQL down from the start -------------------------------------------------------------
def _commandes_sans_base(fichier: Path) -> list[tuple[tuple[str, ...], str]]:
    """Commands of every kind, each with its standard input: set-up, login, reads, writes."""
    return [
        (("init", "--nom", "Martin", "--prenom", "Alice", "--email",
          "alice.martin@caissedesdepots.fr", "--telephone-mobile", "06 12 34 56 78"), ""),
        (("login", "ABCD2345", "--password-stdin"), f"{MOT_DE_PASSE_ADMIN}\n"),
        (("me",), ""),
        (("gestionnaires", "list", "--organisme", SIRET_EMPLOYEUR), ""),
        (_ajout(1), ""),
        (_import(fichier), ""),
        (("audit", "verify"), ""),
        (("db", "status"), ""),
    ]  # fmt: skip


def _tous_indisponibles(
    url: str, tmp_path: Path, *, premieres: int | None = None, raison: str | None = None
) -> None:
    """The commands (the ``premieres`` of them) against ``url``, four at a time: each exits 8
    in one line (giving ``raison``)."""
    fichier = ecrire_csv(tmp_path / "agents.csv", agents(20), entetes=ENTETES_FRANCAIS)
    env: dict[str, str | None] = {"CPFADMIN_DATABASE_URL": url, "CPFADMIN_TOKEN": JETON_FACTICE}
    commandes = _commandes_sans_base(fichier)[:premieres]

    def essayer(commande_: tuple[tuple[str, ...], str]) -> Resultat:
        args, entree = commande_
        return cpfadmin(*args, env=env, entree=entree, delai=120)

    with ThreadPoolExecutor(4) as executeur:
        for r in executeur.map(essayer, commandes):
            ligne = _indisponible(r)
            if raison:
                assert raison in ligne, r


def test_postgres_socket_without_server_every_command_exits_8_at_once(tmp_path: Path) -> None:
    """The server is not running: its socket directory holds no socket."""
    vide = Path(tempfile.mkdtemp(prefix="cpf-sans-serveur-"))  # short: a socket path
    try:
        _tous_indisponibles(f"postgresql://postgres@/cpfadmin?host={vide}&port=5999", tmp_path)
    finally:
        vide.rmdir()


class _ServeurMuet:
    """A TCP port that accepts connections and never says a word, like a server that hangs or
    a firewall that swallows packets after the handshake."""

    def __init__(self) -> None:
        self.prise = socket.socket()
        self.prise.bind(("127.0.0.1", 0))
        self.prise.listen(64)
        self.port = self.prise.getsockname()[1]
        self.acceptees: list[socket.socket] = []
        self.fil = threading.Thread(target=self._accepter, daemon=True)
        self.fil.start()

    def _accepter(self) -> None:
        while True:
            try:
                connexion, _ = self.prise.accept()
            except OSError:
                return
            self.acceptees.append(connexion)

    def fermer(self) -> None:
        with contextlib.suppress(OSError):
            self.prise.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self.prise.close()
        for c in self.acceptees:
            c.close()


@pytest.fixture
def serveur_muet() -> Iterator[str]:
    """The URL of a server that never answers; the profile gives up after 2 s."""
    ajouter_configuration(f"[profiles.default]\nconnect_timeout_seconds = {DELAI_CONNEXION}\n")
    muet = _ServeurMuet()
    try:
        yield f"postgresql://postgres@127.0.0.1:{muet.port}/cpfadmin"
    finally:
        muet.fermer()


def test_postgres_server_that_never_answers_every_command_gives_up_with_exit_8(
    serveur_muet: str, tmp_path: Path
) -> None:
    """The configured connection timeout ends the wait: init, login, ``me`` and a listing, at
    once, each say the timeout expired."""
    _tous_indisponibles(serveur_muet, tmp_path, premieres=4, raison="délai de connexion dépassé")


def test_at_a_terminal_a_silent_server_is_announced_while_the_command_waits(
    serveur_muet: str,
) -> None:
    terminal = Terminal(("me",), env={"CPFADMIN_DATABASE_URL": serveur_muet})
    ecran = terminal.attendre("En attente du serveur PostgreSQL")
    assert code_de_fin(terminal) == 8
    ecran = terminal.lu
    attente = next(ligne for ligne in ecran.splitlines() if "En attente" in ligne)
    assert f"127.0.0.1:{serveur_muet.split(':')[-1].split('/')[0]}" in attente
    assert f"abandon après {DELAI_CONNEXION} s" in attente and "connect_timeout_seconds" in attente
    derniere = [ligne for ligne in ecran.splitlines() if ligne.strip()][-1]
    assert derniere.startswith("Erreur : Base de données indisponible"), ecran
    assert "délai de connexion dépassé" in derniere
    assert "Traceback" not in ecran


def test_a_script_is_not_told_about_the_wait_only_about_the_failure(serveur_muet: str) -> None:
    r = cpfadmin("me", env={"CPFADMIN_DATABASE_URL": serveur_muet}, delai=120)
    assert "En attente" not in r.stderr
    assert "délai de connexion dépassé" in _indisponible(r)


# --- SQLite: a read-only store ------------------------------------------------------------------
@pytest.fixture
def magasin(cli, operateur, url_base: str) -> tuple[str, Path]:
    """A store with an organisme and one account; the operator's token, and the store file."""
    console = Console(cli, url_base)
    jeton = console.connecter(operateur, MOT_DE_PASSE_ADMIN)
    console.creer_organisme(jeton, SIRET_EMPLOYEUR, "Transports Lumière SAS")
    console.ajouter(jeton, "Dupré", "Loïc", "loic.dupre@lumiere.example")
    return jeton, Path(url_base.removeprefix("sqlite:///"))


def _en_utilisateur_ordinaire(*args: str, env: dict[str, str | None], entree: str = "") -> Resultat:
    """``cpfadmin ARGS`` subject to file permissions even when the suite runs as root."""
    fini = subprocess.run(
        [*sans_passe_droit(), *commande(*args)],
        input=entree,
        capture_output=True,
        text=True,
        env=environnement(env),
        timeout=60,
        check=False,
    )
    return Resultat(tuple(args), fini.returncode, fini.stdout, fini.stderr)


ECRITURES = {
    "gestionnaires add": _ajout(2),
    "unites add": ("unites", "add", "Paie", "--organisme", SIRET_EMPLOYEUR),
    "gestionnaires import": (),  # the file is written by the test
    # a failed login must be audited: a write too
    "login": ("login", "ABCD2345", "--password-stdin"),
}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("ecriture", ECRITURES)
def test_read_only_sqlite_store_a_writing_command_exits_8_in_one_line(
    magasin: tuple[str, Path], url_base: str, tmp_path: Path, ecriture: str
) -> None:
    exiger(passe_droit_retirable(), "setpriv absent : impossible de retirer ses droits à root")
    jeton, fichier = magasin
    args = ECRITURES[ecriture] or _import(
        ecrire_csv(tmp_path / "agents.csv", agents(5), entetes=ENTETES_FRANCAIS)
    )
    avant = empreinte(url_base)
    dossier = fichier.parent
    proteges = [f for f in dossier.iterdir() if f.name.startswith(fichier.name)]
    modes = {f: stat.S_IMODE(f.stat().st_mode) for f in [dossier, *proteges]}
    for f in proteges:
        f.chmod(0o444)
    dossier.chmod(0o555)
    try:
        r = _en_utilisateur_ordinaire(
            *args, env={"CPFADMIN_TOKEN": jeton}, entree=f"{MOT_DE_PASSE_ADMIN}\n"
        )
    finally:
        for f, mode in modes.items():
            f.chmod(mode)
    ligne = _indisponible(r)
    assert "lecture seule" in ligne and "readonly" not in ligne, ligne
    assert empreinte(url_base) == avant
    r = cpfadmin("-o", "json", "audit", "verify", env={"CPFADMIN_TOKEN": jeton})
    assert r.code == 0 and r.json()["valide"] is True, r


# --- SQLite: a corrupted store ------------------------------------------------------------------
def _aplatir(fichier: Path) -> None:
    """Fold the WAL into the file, so that what is corrupted is what is read."""
    brute = sqlite3.connect(fichier)
    try:
        brute.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        brute.close()
    for suffixe in ("-wal", "-shm"):
        Path(f"{fichier}{suffixe}").unlink(missing_ok=True)


def _page_de(fichier: Path, table: str) -> tuple[int, int]:
    brute = sqlite3.connect(fichier)
    try:
        (page,) = brute.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
        (taille,) = brute.execute("PRAGMA page_size").fetchone()
    finally:
        brute.close()
    return (page - 1) * taille, taille


def _brouiller(fichier: Path, debut: int, longueur: int | None = None) -> None:
    taille = fichier.stat().st_size
    longueur = taille - debut if longueur is None else longueur
    with fichier.open("r+b") as f:
        f.seek(debut)
        f.write(os.urandom(longueur))


CORRUPTIONS = {
    # every byte: not even an SQLite file any more
    "fichier entier": lambda f: _brouiller(f, 0),
    # the 100-byte header intact, everything after it garbage
    "après l'en-tête": lambda f: _brouiller(f, 100),
    # one page: the root of the audit journal
    "page du journal d'audit": lambda f: _brouiller(f, *_page_de(f, "evenement_audit")),
}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_corrupted_sqlite_store_commands_exit_8_in_one_line(
    magasin: tuple[str, Path], corruption: str
) -> None:
    jeton, fichier = magasin
    _aplatir(fichier)
    CORRUPTIONS[corruption](fichier)
    env: dict[str, str | None] = {"CPFADMIN_TOKEN": jeton}
    commandes = [_ajout(3), ("audit", "verify")]
    if corruption != "page du journal d'audit":
        commandes += [
            ("gestionnaires", "list", "--organisme", SIRET_EMPLOYEUR),
            # never a fresh store silently written over a damaged one
            ("init", "--nom", "Martin", "--prenom", "Alice", "--email",
             "alice.martin@caissedesdepots.fr", "--telephone-mobile", "06 12 34 56 78"),
        ]  # fmt: skip
    with ThreadPoolExecutor(4) as executeur:
        for r in executeur.map(lambda args: cpfadmin(*args, env=env), commandes):
            _indisponible(r)
