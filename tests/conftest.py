"""Every test runs in its own home: ``CPFADMIN_HOME``, ``HOME`` and the XDG directories point
into a temporary directory, and the keyring is an in-memory backend, so no test reads or
writes the developer's files or keyring.

Store-dependent tests run on the embedded SQLite file by default, and on PostgreSQL when
``CPFADMIN_TEST_BACKEND=postgresql`` and ``CPFADMIN_TEST_POSTGRES_URL`` (a URL of a server
where databases may be created) are set: each test then gets a database of its own.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest

from tests.support import gabarits
from tests.support.keyrings import MemoryKeyring

RACINE = Path(__file__).resolve().parent.parent

# The hundreds of cpfadmin processes the suite starts would each compile the package again
# when the environment forbids writing bytecode (PYTHONDONTWRITEBYTECODE): let them write it
# under a cache of their own, outside the work tree.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ.setdefault(
    "PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / f"cpfadmin-pycache-{os.getuid()}")
)
BACKEND = os.environ.get("CPFADMIN_TEST_BACKEND", "sqlite")
URL_POSTGRES = os.environ.get("CPFADMIN_TEST_POSTGRES_URL")
EN_CI = os.environ.get("CI", "").lower() == "true"
# local: the CLI on the test's store; distant: the ``console`` fixture acts through a server.
MODE = os.environ.get("CPFADMIN_TEST_MODE", "local")
MOT_DE_PASSE_ADMIN = "Phrase-De-Passe-Solide-2026!"
MOT_DE_PASSE_GESTIONNAIRE = "Solide-Gest-2026!"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: only meaningful on the embedded SQLite store")
    config.addinivalue_line(
        "markers",
        "local_seulement(raison): only meaningful in local mode (CPFADMIN_TEST_MODE=distant "
        "skips it, with the reason)",
    )
    config.addinivalue_line(
        "markers",
        "base_absente: the test's store does not exist before the test (init creates it); "
        "otherwise it is prepared (migrated, test policy in the store)",
    )
    if BACKEND == "postgresql" and not URL_POSTGRES:
        raise pytest.UsageError(
            "CPFADMIN_TEST_BACKEND=postgresql demande CPFADMIN_TEST_POSTGRES_URL."
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if MODE == "distant":
        for item in items:
            marque = item.get_closest_marker("local_seulement")
            if marque is not None:
                raison = marque.args[0] if marque.args else "propre au mode local"
                item.add_marker(pytest.mark.skip(reason=f"mode local seulement : {raison}"))
    if BACKEND != "postgresql":
        return
    saut = pytest.mark.skip(reason="test propre au stockage SQLite embarqué")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(saut)


def exiger(condition: bool, raison: str) -> None:
    """Skip on a developer's machine when a real component is missing; fail in CI, where the
    run must provide it."""
    if not condition:
        if EN_CI:
            pytest.fail(f"CI doit fournir ce composant : {raison}")
        pytest.skip(raison)


def isoler_maison(maison: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HOME and the XDG directories in ``maison``: nothing of the developer's own (keyrings
    such as keyrings.alt's file under $XDG_DATA_HOME included) is read or written."""
    for variable, sous_dossier in (
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        chemin = maison / sous_dossier
        chemin.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(variable, str(chemin))


@pytest.fixture(scope="session", autouse=True)
def _gabarits(tmp_path_factory: pytest.TempPathFactory) -> Iterator[gabarits.Gabarits]:
    """The test worlds of this session (``tests/support/gabarits.py``)."""
    courants = gabarits.Gabarits(tmp_path_factory.mktemp("gabarits"))
    gabarits.installer(courants)
    try:
        yield courants
    finally:
        gabarits.installer(None)
        courants.detruire()


def ajouter_configuration(texte: str) -> None:
    """Append TOML to the test's ``config.toml`` (a profile's settings, a short timeout…)."""
    config = Path(os.environ["CPFADMIN_HOME"]) / "config.toml"
    with config.open("a", encoding="utf-8") as f:
        f.write(texte)


@pytest.fixture(autouse=True)
def isolation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    maison = tmp_path / "home"
    isoler_maison(maison, monkeypatch)
    cpf = tmp_path / "cpfadmin"
    cpf.mkdir()
    monkeypatch.setenv("CPFADMIN_HOME", str(cpf))
    for variable in (
        "CPFADMIN_TOKEN",
        "CPFADMIN_DATABASE_URL",
        "CPFADMIN_PROFILE",
        "CPFADMIN_DEBUG",
        "CPFADMIN_SERVER",
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyrings.FileKeyring")
    monkeypatch.setenv("CPFADMIN_TEST_KEYRING_FILE", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("PYTHONPATH", str(RACINE))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    (cpf / "config.toml").write_text("", encoding="utf-8")
    precedent = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield cpf
    keyring.set_keyring(precedent)


def _creer_base_postgres(preparee: bool = False) -> tuple[str, str]:
    import psycopg
    from sqlalchemy.engine import make_url

    assert URL_POSTGRES
    nom = f"cpf_test_{uuid.uuid4().hex[:12]}"
    admin = make_url(URL_POSTGRES.replace("postgresql+psycopg://", "postgresql://"))
    url = admin.set(database=nom).render_as_string(hide_password=False)
    if preparee:
        gabarits.preparer(url)
    else:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{nom}"')
    return nom, url


def _supprimer_base_postgres(nom: str) -> None:
    import psycopg

    assert URL_POSTGRES
    with psycopg.connect(
        URL_POSTGRES.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')


@pytest.fixture
def url_base(
    isolation: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[str]:
    """The store of this test: the embedded default, or a fresh PostgreSQL database (then also
    exported as ``CPFADMIN_DATABASE_URL`` so the CLI uses it). Prepared as an operator would
    before ``init`` — migrated, the test policy (bcrypt cost 4) in the store — unless the test
    is marked ``base_absente``."""
    preparee = request.node.get_closest_marker("base_absente") is None
    if BACKEND == "postgresql":
        nom, url = _creer_base_postgres(preparee)
        monkeypatch.setenv("CPFADMIN_DATABASE_URL", url)
        try:
            yield url
        finally:
            from sqlalchemy.engine import Engine  # noqa: F401 - engines are disposed by GC

            _supprimer_base_postgres(nom)
    else:
        url = f"sqlite:///{isolation / 'data' / 'cpfadmin.db'}"
        if preparee:
            gabarits.preparer(url)
        yield url


@pytest.fixture
def base_postgres(isolation: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh PostgreSQL database, whatever the backend of the run."""
    exiger(URL_POSTGRES is not None, "pas de PostgreSQL (CPFADMIN_TEST_POSTGRES_URL absente)")
    nom, url = _creer_base_postgres()
    try:
        yield url
    finally:
        _supprimer_base_postgres(nom)


class Horloge:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.instant = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.instant

    def avancer(self, **duree: float) -> None:
        self.instant += timedelta(**duree)


@pytest.fixture
def horloge() -> Horloge:
    return Horloge()


@pytest.fixture
def politiques():  # type: ignore[no-untyped-def]
    from cpfadmin.domain.politique import Politiques

    return Politiques(bcrypt_cost=4)


@pytest.fixture
def moteur(url_base: str):  # type: ignore[no-untyped-def]
    from cpfadmin.store.engine import creer_moteur
    from cpfadmin.store.migrate import mettre_a_jour

    if url_base.startswith("sqlite"):
        Path(url_base.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    m = creer_moteur(url_base)
    mettre_a_jour(m)
    yield m
    m.dispose()


@pytest.fixture
def uow(moteur, horloge):  # type: ignore[no-untyped-def]
    """A factory of units of work on the test store, with the test clock."""
    from cpfadmin.store.uow import UniteDeTravail

    return lambda lecture=False: UniteDeTravail(moteur, horloge, lecture=lecture)


# --- CLI helpers -------------------------------------------------------------------------------
def lanceur():  # type: ignore[no-untyped-def]
    """Run cpfadmin in-process: ``lancer("me", "-o", "json")`` → typer's Result (exit_code,
    stdout, stderr). Global options go first, as on the command line."""
    from typer.testing import CliRunner

    from cpfadmin.cli.main import app

    runner = CliRunner()

    def lancer(*args: str, input: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        return SansAvertissementTransport(runner.invoke(app, list(args), input=input, env=env))

    return lancer


@pytest.fixture
def cli(url_base: str):  # type: ignore[no-untyped-def]
    """``lanceur()`` on the test's store."""
    return lanceur()


# The PostgreSQL pass admits the ``file`` mail transport on purpose (the tests read the
# temporary passwords from its files: ``tests/support/gabarits.POLITIQUE_DE_TEST_PARTAGEE``),
# so every command that delivers mail warns that it breaks the two channels. That warning has
# its test (``tests/cli/test_transport_fichier_partage.py``); the other tests read stderr
# without it, as on the embedded store.
MARQUE_AVERTISSEMENT_TRANSPORT = "admis par la politique (mail_file_transport_shared)"


def sans_avertissement_transport(texte: str) -> str:
    if MARQUE_AVERTISSEMENT_TRANSPORT not in texte:
        return texte
    return "".join(
        ligne
        for ligne in texte.splitlines(keepends=True)
        if MARQUE_AVERTISSEMENT_TRANSPORT not in ligne
    )


class SansAvertissementTransport:
    """Typer's Result, its stderr (and mixed output) without the warning above."""

    def __init__(self, resultat) -> None:  # type: ignore[no-untyped-def]
        self._resultat = resultat

    def __getattr__(self, nom: str):  # type: ignore[no-untyped-def]
        return getattr(self._resultat, nom)

    @property
    def stderr(self) -> str:
        return sans_avertissement_transport(self._resultat.stderr)

    @property
    def output(self) -> str:
        return sans_avertissement_transport(self._resultat.output)

    def __repr__(self) -> str:
        return repr(self._resultat)


def json_de(resultat) -> object:  # type: ignore[no-untyped-def]
    return json.loads(resultat.stdout)


def _initialiser(cli) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    r = cli(
        "-o",
        "json",
        "init",
        "--nom",
        "Martin",
        "--prenom",
        "Alice",
        "--email",
        "alice.martin@caissedesdepots.fr",
        "--telephone-mobile",
        "06 12 34 56 78",
    )
    assert r.exit_code == 0, r.stderr
    donnees = json.loads(r.stdout)
    return donnees["identifiant"], donnees["mot_de_passe_temporaire"]


@pytest.fixture
def initialise(cli):  # type: ignore[no-untyped-def]
    """An initialised store: returns the first operator's identifiant and temporary password.
    (Built once per test session, copied into each test: ``tests/support/gabarits.py``.)"""
    return gabarits.monde("initialise", lambda: _initialiser(cli))


@pytest.fixture
def operateur(cli, initialise):  # type: ignore[no-untyped-def]
    """The first operator, logged in (first login done): returns its identifiant."""

    def construire() -> str:
        identifiant, temporaire = initialise
        r = cli(
            "login",
            identifiant,
            "--password-stdin",
            "--accept-cgu",
            input=f"{temporaire}\n{MOT_DE_PASSE_ADMIN}\n",
        )
        assert r.exit_code == 0, r.stderr
        return identifiant

    return gabarits.monde("operateur", construire)


@pytest.fixture
def console(cli, url_base, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    """The in-process CLI acting as any account by its session token
    (``tests.support.console.Console``), its command built once for the test.

    The one switch of the two modes (SPEC §8): with ``CPFADMIN_TEST_MODE=distant``, every
    command but ``init``/``db`` goes through a real ``cpfadmin serve`` subprocess over the
    test's store (``tests.support.serveur.ClientDistant``): the same tests, through the API."""
    from tests.support.console import Console, commande_construite_une_fois

    commande_construite_une_fois(monkeypatch)
    if MODE != "distant":
        yield Console(cli, url_base)
        return
    from tests.support.serveur import ClientDistant

    distant = ClientDistant(cli, tmp_path)
    try:
        yield Console(distant, url_base)
    finally:
        distant.arreter()
