"""Session tokens in a real Secret Service (gnome-keyring), as on a Linux desktop.

Run under a D-Bus session with an unlocked keyring::

    dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets \
        >/dev/null; python -m pytest -m secret_service tests/integration'

Without one these tests are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MOT_DE_PASSE_ADMIN, exiger
from tests.support import base
from tests.support.processus import (
    connexion,
    cpfadmin,
    dossier_donnees,
    initialiser,
    premiere_connexion,
)

pytestmark = pytest.mark.secret_service

BACKEND = "keyring.backends.SecretService.Keyring"
SERVICE = "cpfadmin"
TROUSSEAU = f"trousseau système ({BACKEND})"


def _avec_delai(fonction: Callable[[], Any], delai: float = 10.0) -> Any:
    """Call ``fonction`` in a thread: a Secret Service that does not answer must not hang the
    test run either."""
    resultat: dict[str, Any] = {}

    def cible() -> None:
        try:
            resultat["valeur"] = fonction()
        except BaseException as e:  # reported to the caller's thread
            resultat["erreur"] = e

    fil = threading.Thread(target=cible, daemon=True)
    fil.start()
    fil.join(delai)
    if fil.is_alive():
        raise TimeoutError(f"pas de réponse en {delai:g} s")
    if "erreur" in resultat:
        raise resultat["erreur"]
    return resultat.get("valeur")


def _detecter() -> str | None:
    """None when a usable Secret Service answers, else why not."""
    try:
        from keyring.backends import SecretService

        SecretService.Keyring.priority  # noqa: B018 - raises when the service is unusable
        trousseau = SecretService.Keyring()
        cle = f"sonde-{os.getpid()}-{time.monotonic_ns()}"

        def aller_retour() -> str | None:
            trousseau.set_password("cpfadmin-tests", cle, "sonde")
            try:
                return trousseau.get_password("cpfadmin-tests", cle)
            finally:
                trousseau.delete_password("cpfadmin-tests", cle)

        if _avec_delai(aller_retour) != "sonde":
            return "l'aller-retour set/get n'a pas rendu la valeur"
    except Exception as e:  # any failure means "not available"
        return f"{type(e).__name__}: {e}"
    return None


@pytest.fixture
def secret_service() -> Iterator[Any]:
    """The real Secret Service of the session, through keyring; the entries a test leaves
    under service ``cpfadmin`` are removed afterwards."""
    raison = _detecter()
    exiger(raison is None, f"pas de Secret Service utilisable ({raison})")
    from keyring.backends import SecretService

    trousseau = SecretService.Keyring()
    cles: list[str] = []
    yield trousseau, cles
    for cle in cles:
        with contextlib.suppress(Exception):  # already deleted by the test
            trousseau.delete_password(SERVICE, cle)


def _elements(attributs: dict[str, str]) -> list[Any]:
    """The items of the Secret Service matching ``attributs``, straight from secretstorage."""
    import secretstorage

    def chercher() -> list[Any]:
        connexion_dbus = secretstorage.dbus_init()
        try:
            return [
                (e.get_label(), e.get_attributes(), e.get_secret().decode())
                for e in secretstorage.search_items(connexion_dbus, attributs)
            ]
        finally:
            connexion_dbus.close()

    return _avec_delai(chercher)


def _env() -> dict[str, str]:
    return {"PYTHON_KEYRING_BACKEND": BACKEND}


def test_the_session_token_lives_in_the_secret_service_until_logout(
    url_base: str, secret_service: Any
) -> None:
    trousseau, cles = secret_service
    identifiant, temporaire = initialiser()
    cle = f"default:{identifiant}"
    cles.append(cle)

    r = premiere_connexion(identifiant, temporaire, MOT_DE_PASSE_ADMIN, env=_env())
    assert "Avertissement" not in r.stderr, r
    assert f"jeton conservé dans le {TROUSSEAU}" in r.stderr

    # One item, under service "cpfadmin" and username "PROFILE:IDENTIFIANT", holding the token
    # whose SHA-256 is the store's.
    jeton = _avec_delai(lambda: trousseau.get_password(SERVICE, cle))
    assert jeton and jeton.startswith("cpf_")
    elements = _elements({"service": SERVICE, "username": cle})
    assert [secret for _, _, secret in elements] == [jeton]
    condensats = [c for (c,) in base.lignes(url_base, "SELECT jeton_condensat FROM session")]
    assert hashlib.sha256(jeton.encode()).hexdigest() in condensats

    # No token file, and no copy of the token anywhere in cpfadmin's home.
    jetons = dossier_donnees() / "jetons"
    assert not jetons.exists() or not any(jetons.iterdir())
    for f in Path(os.environ["CPFADMIN_HOME"]).rglob("*"):
        if f.is_file():
            assert jeton.encode() not in f.read_bytes(), f

    r = cpfadmin("-o", "json", "me", env=_env())
    assert r.code == 0, r
    assert r.json()["identifiant"] == identifiant
    assert r.json()["stockage_jeton"] == TROUSSEAU
    assert jeton not in r.stdout + r.stderr

    # A new login replaces the entry rather than adding one.
    connexion(identifiant, MOT_DE_PASSE_ADMIN, env=_env())
    nouveau = _avec_delai(lambda: trousseau.get_password(SERVICE, cle))
    assert nouveau and nouveau != jeton
    assert [s for _, _, s in _elements({"service": SERVICE, "username": cle})] == [nouveau]

    r = cpfadmin("logout", env=_env())
    assert r.code == 0, r
    assert _avec_delai(lambda: trousseau.get_password(SERVICE, cle)) is None
    assert _elements({"service": SERVICE, "username": cle}) == []
    assert cpfadmin("me", env=_env()).code == 3


def test_each_profile_has_its_own_secret_service_entry(url_base: str, secret_service: Any) -> None:
    trousseau, cles = secret_service
    config = Path(os.environ["CPFADMIN_HOME"]) / "config.toml"
    with config.open("a", encoding="utf-8") as f:
        f.write(f'\n[profiles.second]\ndatabase_url = "{url_base}"\n')
    identifiant, temporaire = initialiser()
    cles += [f"default:{identifiant}", f"second:{identifiant}"]

    premiere_connexion(identifiant, temporaire, MOT_DE_PASSE_ADMIN, env=_env())
    r = cpfadmin("--profile", "second", "login", identifiant, "--password-stdin",
                 entree=f"{MOT_DE_PASSE_ADMIN}\n", env=_env())  # fmt: skip
    assert r.code == 0, r

    defaut = _avec_delai(lambda: trousseau.get_password(SERVICE, f"default:{identifiant}"))
    second = _avec_delai(lambda: trousseau.get_password(SERVICE, f"second:{identifiant}"))
    assert defaut and second and defaut != second

    assert cpfadmin("--profile", "second", "logout", env=_env()).code == 0
    assert _avec_delai(lambda: trousseau.get_password(SERVICE, f"second:{identifiant}")) is None
    assert cpfadmin("-o", "json", "me", env=_env()).json()["identifiant"] == identifiant


# --- a locked Secret Service, in a D-Bus session of the test's own ------------------------------
@pytest.fixture
def secret_service_verrouille(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A private D-Bus session with gnome-keyring whose login collection is locked and cannot
    be unlocked (no display for the prompt). Yields the environment variables that point a
    process at it."""
    for programme in ("dbus-daemon", "gnome-keyring-daemon"):
        exiger(shutil.which(programme) is not None, f"{programme} absent")
    maison = tmp_path / "gnome-keyring"
    maison.mkdir()
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    demon: subprocess.Popen[bytes] | None = None
    try:
        assert bus.stdout is not None
        adresse = bus.stdout.readline().strip()
        env = {
            "DBUS_SESSION_BUS_ADDRESS": adresse,
            "DISPLAY": "",
            "WAYLAND_DISPLAY": "",
        }
        env_demon = {
            **os.environ,
            **env,
            "HOME": str(maison),
            "XDG_DATA_HOME": str(maison / "share"),
            "XDG_RUNTIME_DIR": str(maison),
        }
        demon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env_demon,
        )
        assert demon.stdin is not None
        demon.stdin.write(b"mot-de-passe-du-trousseau")
        demon.stdin.close()

        script = (
            "import secretstorage, time\n"
            "for _ in range(1200):  # the daemon may take a while on a loaded machine\n"
            "    try:\n"
            "        c = secretstorage.get_default_collection(secretstorage.dbus_init())\n"
            "        break\n"
            "    except Exception:\n"
            "        time.sleep(0.1)\n"
            "c.lock()\n"
            "assert c.is_locked()\n"
        )
        fini = subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert fini.returncode == 0, fini.stderr
        yield env
    finally:
        for p in (demon, bus):
            if p is not None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()


def test_a_locked_secret_service_falls_back_to_the_file_with_a_warning(
    url_base: str, secret_service_verrouille: dict[str, str]
) -> None:
    env = {**_env(), **secret_service_verrouille}
    identifiant, temporaire = initialiser()

    r = premiere_connexion(identifiant, temporaire, MOT_DE_PASSE_ADMIN, env=env)
    assert "Trousseau système inutilisable" in r.stderr, r
    fichier = dossier_donnees() / "jetons" / f"default-{identifiant}.token"
    assert fichier.is_file()

    r = cpfadmin("-o", "json", "me", env=env)
    assert r.code == 0, r
    assert r.json()["stockage_jeton"] == f"fichier {fichier}"
    assert cpfadmin("logout", env=env).code == 0
    assert not fichier.exists()
