"""2. Login: ``cpfadmin login`` against Python's start-up and one bcrypt check, at a terminal,
and the two floors under it (the framework, the store layer's imports)."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench.magasins import MOT_DE_PASSE, store_initialise
from bench.mesures import PYTHON, Mesure, alterner, chemin_programme, chrono


def bench_login(n: int) -> list[Mesure]:
    with tempfile.TemporaryDirectory() as d:
        env, identifiant = store_initialise(Path(d), cout=12)
        import bcrypt

        hache = bcrypt.hashpw(b"x" * 44, bcrypt.gensalt(12)).decode()
        reference = [PYTHON, "-c", f"import bcrypt; bcrypt.checkpw(b'x' * 44, {hache.encode()!r})"]
        m, ref = alterner(
            lambda: chrono(
                [PYTHON, "-m", "cpfadmin", "login", identifiant, "--password-stdin"],
                env,
                entree=f"{MOT_DE_PASSE}\n".encode(),
            ),
            lambda: chrono(reference, env),
            n,
        )
        # At a terminal: from the password's Enter key to the end, the person having typed.
        apres_entree, ref2 = alterner(
            lambda: login_a_un_terminal(identifiant, env),
            lambda: chrono(reference, env),
            n,
        )
        # The framework's own floor: a minimal Typer app whose one command reads a line and
        # verifies one bcrypt hash — no database, no session, nothing else.
        env_typer = dict(env, BENCH_EMPREINTE_BCRYPT=hache)
        minimale, ref3 = alterner(
            lambda: chrono(
                [PYTHON, chemin_programme("typer_login"), "login", identifiant, "--password-stdin"],
                env_typer,
                entree=f"{MOT_DE_PASSE}\n".encode(),
            ),
            lambda: chrono(reference, env),
            n,
        )
        # Where the time goes: the store layer a login needs (SQLAlchemy, SQLModel, the models)
        # takes this long to import on its own, bcrypt or not.
        couche, python = alterner(
            lambda: chrono([PYTHON, "-c", "import cpfadmin.services.auth"], env),
            lambda: chrono([PYTHON, "-c", "pass"], env),
            n,
        )
        return [
            Mesure(
                "cpfadmin login (bcrypt coût 12)",
                m,
                ref,
                1.3,
                note="référence : démarrage de Python + une vérification bcrypt au coût 12",
            ),
            Mesure(
                "… à un terminal, temps après Entrée",
                apres_entree,
                ref2,
                None,
                note="`cpfadmin login IDENTIFIANT` dans un pseudo-terminal, le mot de passe tapé "
                "1,5 s après l'invite ; mesuré de l'envoi de la ligne à la fin du processus",
            ),
            Mesure(
                "… plancher du cadre : application Typer minimale + une vérification bcrypt",
                minimale,
                ref3,
                None,
                note="une application Typer à cinq groupes vides et une commande `login` qui lit "
                "une ligne et vérifie une empreinte bcrypt au coût 12, sans base ni session : ce "
                "que coûte Typer (imposé par le cadre du projet) avant tout travail",
            ),
            Mesure(
                "… plancher : démarrage de Python + import de la couche de stockage",
                couche,
                ref,
                None,
                note=f"`python -c 'import cpfadmin.services.auth'` (SQLAlchemy, SQLModel, les "
                f"modèles), sans rien exécuter : {couche * 1000:.0f} ms, dont {python * 1000:.0f} ms "
                "de démarrage de Python — rapporté à la même référence que login. La vérification "
                "bcrypt de login tourne sur un autre cœur pendant ces imports ; ce qui reste "
                "au-dessus du plancher est le travail de la commande.",
            ),
        ]


def login_a_un_terminal(identifiant: str, env: dict[str, str]) -> float:
    import pty
    import select

    maitre, esclave = pty.openpty()
    processus = subprocess.Popen(
        [PYTHON, "-m", "cpfadmin", "login", identifiant],
        stdin=esclave,
        stdout=esclave,
        stderr=esclave,
        env=env,
        close_fds=True,
    )
    os.close(esclave)
    lu = b""
    try:
        while b"Mot de passe" not in lu:
            if not select.select([maitre], [], [], 30)[0]:
                raise SystemExit("login à un terminal : pas d'invite")
            lu += os.read(maitre, 1024)
        time.sleep(1.5)  # the person types
        debut = time.perf_counter()
        os.write(maitre, f"{MOT_DE_PASSE}\n".encode())
        while select.select([maitre], [], [], 30)[0]:
            try:
                if not os.read(maitre, 4096):
                    break
            except OSError:  # the terminal closed with the process
                break
        processus.wait(30)
        duree = time.perf_counter() - debut
    finally:
        os.close(maitre)
    if processus.returncode != 0:
        raise SystemExit(f"login à un terminal : code {processus.returncode}")
    return duree
