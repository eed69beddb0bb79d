"""Imports go one way (STYLE.md, SPEC §7): domain and services know nothing of Typer or Rich,
and the CLI loads the heavy modules only inside the commands that use them, so ``--help``
starts fast."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import cpfadmin

PAQUET = Path(cpfadmin.__file__).resolve().parent

LOURDS = frozenset(
    {
        "sqlalchemy",
        "sqlmodel",
        "alembic",
        "psycopg",
        "keyring",
        "bcrypt",
        "phonenumbers",
        "email_validator",
    }
)
INTERFACE = frozenset({"typer", "rich", "click"})


def modules(sous_paquet):
    fichiers = sorted((PAQUET / sous_paquet).rglob("*.py"))
    assert fichiers, f"aucun module sous cpfadmin/{sous_paquet}"
    return fichiers


def nom_de_module(fichier):
    """The dotted name of a module, found by walking up the folders that hold an __init__.py."""
    parties = [] if fichier.name == "__init__.py" else [fichier.stem]
    dossier = fichier.parent
    while (dossier / "__init__.py").exists():
        parties.insert(0, dossier.name)
        dossier = dossier.parent
    return ".".join(parties)


def _cible(noeud, fichier):
    """The absolute names a given import statement brings in."""
    if isinstance(noeud, ast.Import):
        return [alias.name for alias in noeud.names]
    if noeud.level == 0:
        return [noeud.module or ""]
    paquet = nom_de_module(fichier).split(".")
    if fichier.name != "__init__.py":
        paquet.pop()
    base = paquet[: len(paquet) - (noeud.level - 1)]
    return [".".join([*base, noeud.module] if noeud.module else base)]


def tous_les_imports(fichier):
    arbre = ast.parse(fichier.read_text(encoding="utf-8"), filename=str(fichier))
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import | ast.ImportFrom):
            for nom in _cible(noeud, fichier):
                yield noeud.lineno, nom


def _est_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_au_chargement(fichier):
    """Imports run when the module is loaded: its body, including ``if``/``try`` blocks at
    module level, but not function or class bodies, nor ``if TYPE_CHECKING:`` blocks."""

    def parcourir(instructions):
        for noeud in instructions:
            if isinstance(noeud, ast.Import | ast.ImportFrom):
                for nom in _cible(noeud, fichier):
                    yield noeud.lineno, nom
            elif isinstance(noeud, ast.If):
                if not _est_type_checking(noeud.test):
                    yield from parcourir(noeud.body)
                yield from parcourir(noeud.orelse)
            elif isinstance(noeud, ast.Try):
                for bloc in (noeud.body, noeud.orelse, noeud.finalbody):
                    yield from parcourir(bloc)
                for gestionnaire in noeud.handlers:
                    yield from parcourir(gestionnaire.body)
            elif isinstance(noeud, ast.With):
                yield from parcourir(noeud.body)

    arbre = ast.parse(fichier.read_text(encoding="utf-8"), filename=str(fichier))
    yield from parcourir(arbre.body)


def racine(nom):
    return nom.split(".")[0]


def violations(fichiers, lecture, interdit):
    return [
        f"{f.relative_to(PAQUET.parent)}:{ligne} importe {nom}"
        for f in fichiers
        for ligne, nom in lecture(f)
        if interdit(nom)
    ]


# --- (a) static: what each layer's source imports ----------------------------------------------
def test_the_import_reader_tells_load_time_imports_from_the_others(tmp_path):
    paquet = tmp_path / "essai" / "cli"
    paquet.mkdir(parents=True)
    (tmp_path / "essai" / "__init__.py").touch()
    (paquet / "__init__.py").touch()
    f = paquet / "m.py"
    f.write_text(
        "import os\nfrom ..store import uow\nif TYPE_CHECKING:\n    import sqlmodel\n"
        "try:\n    import keyring\nexcept ImportError:\n    pass\n"
        "def f():\n    import sqlalchemy\n",
        encoding="utf-8",
    )
    assert nom_de_module(f) == "essai.cli.m"
    assert {n for _, n in imports_au_chargement(f)} == {"os", "essai.store", "keyring"}
    assert {n for _, n in tous_les_imports(f)} == {
        "os",
        "essai.store",
        "sqlmodel",
        "keyring",
        "sqlalchemy",
    }


@pytest.mark.parametrize("couche", ["domain", "services"])
def test_domain_and_services_never_import_typer_or_rich(couche):
    trouve = violations(modules(couche), tous_les_imports, lambda n: racine(n) in INTERFACE)
    assert trouve == []


def test_domain_imports_neither_the_store_nor_the_cli_nor_sql():
    def interdit(nom):
        return racine(nom) in LOURDS - {
            "bcrypt",
            "phonenumbers",
            "email_validator",
        } or nom.startswith(
            ("cpfadmin.cli", "cpfadmin.services", "cpfadmin.store", "cpfadmin.adapters")
        )

    assert violations(modules("domain"), tous_les_imports, interdit) == []


def test_application_never_imports_typer_rich_or_the_cli():
    # The seam a server plugs into (issue 14): no front end's vocabulary in it.
    trouve = violations(
        modules("application"),
        tous_les_imports,
        lambda n: racine(n) in INTERFACE or n.startswith("cpfadmin.cli"),
    )
    assert trouve == []


def hors_de_la_cli_permise(nom):
    """A cpfadmin module the command line may not import: anything but the application, the
    domain, the CLI itself and the package's version."""
    permis = ("cpfadmin.application", "cpfadmin.domain", "cpfadmin.cli")
    return racine(nom) == "cpfadmin" and nom != "cpfadmin" and not nom.startswith(permis)


def test_cli_calls_only_the_application_and_the_domain():
    """The command line reaches the store, the services, the adapters and the profile only
    through ``cpfadmin.application`` (STYLE.md): even under ``TYPE_CHECKING``. One exception:
    ``cpfadmin serve`` hands over to the other front end, the server."""
    trouve = violations(modules("cli"), tous_les_imports, hors_de_la_cli_permise)
    assert [t for t in trouve if not t.startswith("cpfadmin/cli/serve.py:")] == []
    assert all("importe cpfadmin.serveur" in t for t in trouve)


def test_the_server_is_a_front_end_over_the_application():
    """The server, like the CLI, calls the application and the domain: no Typer, no Rich, no
    CLI, no service or store reached around the use cases."""

    def interdit(nom):
        return (
            racine(nom) in INTERFACE
            or nom.startswith("cpfadmin.cli")
            or nom.startswith(("cpfadmin.store", "cpfadmin.adapters"))
            or nom.startswith("cpfadmin.services")
        )

    assert violations(modules("serveur"), tous_les_imports, interdit) == []


def test_the_remote_application_never_imports_the_store():
    # SPEC §8: in remote mode, neither SQLAlchemy, SQLModel, Alembic, psycopg nor bcrypt.
    distante = PAQUET / "application" / "distante.py"
    trouve = violations(
        [distante],
        tous_les_imports,
        lambda n: (
            racine(n) in SQL | {"alembic", "psycopg", "bcrypt"}
            or n.startswith(("cpfadmin.store", "cpfadmin.services"))
        ),
    )
    assert trouve == []


def test_the_cli_rule_would_catch_a_command_that_reaches_a_service(tmp_path):
    paquet = tmp_path / "cpfadmin" / "cli"
    paquet.mkdir(parents=True)
    (tmp_path / "cpfadmin" / "__init__.py").touch()
    (paquet / "__init__.py").touch()
    f = paquet / "m.py"
    f.write_text(
        "from cpfadmin.application import Application\nfrom cpfadmin.domain import errors\n"
        "def f():\n    from cpfadmin.services import unites\n"
        "    from ..store import uow\n    import cpfadmin.adapters.jetons\n",
        encoding="utf-8",
    )
    trouve = {n for _, n in tous_les_imports(f) if hors_de_la_cli_permise(n)}
    assert trouve == {"cpfadmin.services", "cpfadmin.store", "cpfadmin.adapters.jetons"}


def test_services_never_import_the_cli():
    trouve = violations(
        modules("services"), tous_les_imports, lambda n: n.startswith("cpfadmin.cli")
    )
    assert trouve == []


SQL = frozenset({"sqlalchemy", "sqlmodel"})


def test_services_never_import_sqlalchemy_or_sqlmodel():
    # Services own the rules, repositories own the SQL (STYLE.md): not even under
    # TYPE_CHECKING nor inside a function — the store's modules are the only way in.
    trouve = violations(modules("services"), tous_les_imports, lambda n: racine(n) in SQL)
    assert trouve == []


def test_services_never_reach_past_the_repositories_into_the_orm_session():
    # ``uow.session`` is the store's: a service asks ``uow.comptes``, ``uow.courrier``…
    trouve = [
        f"{f.relative_to(PAQUET.parent)}:{noeud.lineno} utilise {noeud.value.id}.session"
        for f in modules("services")
        for noeud in ast.walk(ast.parse(f.read_text(encoding="utf-8"), filename=str(f)))
        if isinstance(noeud, ast.Attribute)
        and noeud.attr == "session"
        and isinstance(noeud.value, ast.Name)
        and noeud.value.id == "uow"
    ]
    assert trouve == []


def test_domain_loads_validation_and_hashing_libraries_only_inside_functions():
    trouve = violations(modules("domain"), imports_au_chargement, lambda n: racine(n) in LOURDS)
    assert trouve == []


def test_cli_modules_do_not_import_heavy_modules_at_top_level():
    trouve = violations(modules("cli"), imports_au_chargement, lambda n: racine(n) in LOURDS)
    assert trouve == []


def test_cli_never_imports_click_directly():
    # Typer vendors its own Click (STYLE.md).
    trouve = violations(modules("cli"), tous_les_imports, lambda n: racine(n) == "click")
    assert trouve == []


# --- (b) dynamic: what `--help` really loads ----------------------------------------------------
SCRIPT_AIDE = """
import json, sys
import typer.main
from cpfadmin.cli.main import app

def aide(*args):
    try:
        app([*args, "--help"], prog_name="cpfadmin")
    except SystemExit as e:
        assert e.code in (0, None), (args, e.code)

aide()
groupe = typer.main.get_command(app)
for nom, commande in groupe.commands.items():
    aide(nom)
    for sous in getattr(commande, "commands", {}):
        aide(nom, sous)
sys.stderr.write("MODULES=" + json.dumps(sorted(sys.modules)) + "\\n")
"""


def lancer(*args):
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_rendering_every_help_page_loads_no_heavy_module():
    r = lancer("-c", SCRIPT_AIDE)
    assert r.returncode == 0, r.stderr
    assert "Utilisation :" in r.stdout
    (ligne,) = [li for li in r.stderr.splitlines() if li.startswith("MODULES=")]
    charges = {racine(m) for m in json.loads(ligne.removeprefix("MODULES="))}
    assert "typer" in charges
    assert charges & LOURDS == set()


def test_python_m_cpfadmin_help_imports_no_heavy_module():
    r = lancer("-X", "importtime", "-m", "cpfadmin", "--help")
    assert r.returncode == 0, r.stderr
    assert "Utilisation : cpfadmin" in r.stdout
    importes = {
        racine(ligne.rsplit("|", 1)[1].strip())
        for ligne in r.stderr.splitlines()
        if ligne.startswith("import time:") and "|" in ligne
    }
    assert {"typer", "cpfadmin"} <= importes  # the parse did see real imports
    assert importes & LOURDS == set()
