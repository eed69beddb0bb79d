"""Running cpfadmin as a real process, as a script or a CI job would: a new interpreter, the
test's environment (``os.environ``, already isolated by the autouse fixture), and stdin from a
pipe, so the process never has a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DELAI_PAR_DEFAUT = 60.0


@dataclass(frozen=True, repr=False)
class Resultat:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def lignes_erreur(self) -> list[str]:
        return [ligne for ligne in self.stderr.splitlines() if ligne.strip()]

    def __repr__(self) -> str:  # what an assertion message shows
        return (
            f"cpfadmin {' '.join(self.args)} → {self.code}\n"
            f"--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )


def environnement(surcharges: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The test's environment with ``surcharges`` applied (``None`` removes a variable)."""
    env = dict(os.environ)
    for cle, valeur in (surcharges or {}).items():
        if valeur is None:
            env.pop(cle, None)
        else:
            env[cle] = valeur
    return env


def commande(*args: str) -> list[str]:
    return [sys.executable, "-m", "cpfadmin", *args]


def cpfadmin(
    *args: str,
    entree: str = "",
    env: Mapping[str, str | None] | None = None,
    delai: float = DELAI_PAR_DEFAUT,
    brut: bool = False,
) -> Resultat:
    """Run ``cpfadmin ARGS`` to completion, ``entree`` on its stdin (a pipe, never a TTY).
    Its stderr comes without the warning of the file transport the PostgreSQL pass admits
    (``tests.conftest.sans_avertissement_transport``) unless ``brut``."""
    fini = subprocess.run(
        commande(*args),
        input=entree,
        capture_output=True,
        text=True,
        env=environnement(env),
        timeout=delai,
        check=False,
    )
    from tests.conftest import sans_avertissement_transport

    stderr = fini.stderr if brut else sans_avertissement_transport(fini.stderr)
    return Resultat(tuple(args), fini.returncode, fini.stdout, stderr)


def lancer(*args: str, env: Mapping[str, str | None] | None = None) -> subprocess.Popen[str]:
    """Start ``cpfadmin ARGS`` without waiting; write to its stdin with ``communicate``."""
    return subprocess.Popen(
        commande(*args),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environnement(env),
    )


# --- the README story's steps -----------------------------------------------------------------
OPERATEUR = (
    "--nom", "Martin", "--prenom", "Alice",
    "--email", "alice.martin@caissedesdepots.fr", "--telephone-mobile", "06 12 34 56 78",
)  # fmt: skip


def initialiser(env: Mapping[str, str | None] | None = None) -> tuple[str, str]:
    """``cpfadmin -o json init``: the first operator's identifiant and temporary password.
    On the test's own store, built once per test session and copied afterwards."""

    def construire() -> tuple[str, str]:
        r = cpfadmin("-o", "json", "init", *OPERATEUR, env=env)
        assert r.code == 0, r
        donnees = r.json()
        return donnees["identifiant"], donnees["mot_de_passe_temporaire"]

    if env and any(env.get(v) for v in ("CPFADMIN_DATABASE_URL", "CPFADMIN_HOME")):
        return construire()  # another store than the test's
    from tests.support import gabarits

    return gabarits.monde("initialise", construire)


def premiere_connexion(
    identifiant: str,
    temporaire: str,
    nouveau: str,
    env: Mapping[str, str | None] | None = None,
) -> Resultat:
    r = cpfadmin(
        "login", identifiant, "--password-stdin", "--accept-cgu",
        entree=f"{temporaire}\n{nouveau}\n", env=env,
    )  # fmt: skip
    assert r.code == 0, r
    return r


def employeur_pret(
    siret: str,
    mot_de_passe: str,
    env: Mapping[str, str | None] | None = None,
    raison_sociale: str = "Transports Lumière SAS",
) -> str:
    """A store with its first operator logged in (first login done) and one employer
    organisme: the operator's identifiant."""
    identifiant, temporaire = initialiser(env=env)
    premiere_connexion(identifiant, temporaire, mot_de_passe, env=env)
    r = cpfadmin(
        "organismes", "add", "--siret", siret, "--raison-sociale", raison_sociale,
        "--type", "employeur_prive", env=env,
    )  # fmt: skip
    assert r.code == 0, r
    return identifiant


def connexion(
    identifiant: str, mot_de_passe: str, env: Mapping[str, str | None] | None = None
) -> Resultat:
    r = cpfadmin("login", identifiant, "--password-stdin", entree=f"{mot_de_passe}\n", env=env)
    assert r.code == 0, r
    return r


def sans_trace(r: Resultat) -> None:
    """A failure is one French line on stderr, never a Python traceback."""
    assert "Traceback" not in r.stderr, r


def dossier_donnees() -> Path:
    return Path(os.environ["CPFADMIN_HOME"]) / "data"
