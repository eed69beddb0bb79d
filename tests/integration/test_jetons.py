"""Where session tokens are kept (SPEC §4): the OS keyring first; a warning on stderr, then a
0600 file when no keyring is usable; ``CPFADMIN_TOKEN`` over any stored token; keyring calls
that never hang; and the token itself never printed nor stored (only its SHA-256 digest).

The keyring backend of each cpfadmin process is chosen with ``PYTHON_KEYRING_BACKEND``, as a
user would; ``CoffreJetons`` is also exercised in-process, where its timing can be observed."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail, null

from cpfadmin.adapters.jetons import SERVICE, CoffreJetons
from cpfadmin.cli.redaction import suggestion
from cpfadmin.domain.errors import StockageIndisponible
from tests.conftest import MOT_DE_PASSE_ADMIN
from tests.support import base
from tests.support.keyrings import HangingKeyring, MemoryKeyring, RaisingKeyring
from tests.support.processus import (
    Resultat,
    connexion,
    cpfadmin,
    dossier_donnees,
    initialiser,
    premiere_connexion,
    sans_trace,
)

FAIL = "keyring.backends.fail.Keyring"
NULL = "keyring.backends.null.Keyring"
RAISING = "tests.support.keyrings.RaisingKeyring"
HANGING = "tests.support.keyrings.HangingKeyring"
FICHIER_KEYRING = "tests.support.keyrings.FileKeyring"


def _trousseau(backend: str) -> dict[str, str]:
    return {"PYTHON_KEYRING_BACKEND": backend}


def _fichier_jeton(identifiant: str, profil: str = "default") -> Path:
    return dossier_donnees() / "jetons" / f"{profil}-{identifiant}.token"


def _mode(chemin: Path) -> int:
    return stat.S_IMODE(chemin.stat().st_mode)


def _condensats_en_base(url: str) -> list[str]:
    return [c for (c,) in base.lignes(url, "SELECT jeton_condensat FROM session")]


def _jeton_du_keyring_de_test(identifiant: str) -> str:
    entrees = json.loads(Path(os.environ["CPFADMIN_TEST_KEYRING_FILE"]).read_text())
    return entrees[f"{SERVICE}/default:{identifiant}"]


def _indice(lignes: list[str], morceau: str) -> int:
    return next(i for i, ligne in enumerate(lignes) if morceau in ligne)


def _ajouter_a_la_config(texte: str) -> None:
    config = Path(os.environ["CPFADMIN_HOME"]) / "config.toml"
    with config.open("a", encoding="utf-8") as f:
        f.write(texte)


# --- through the CLI: no usable keyring -------------------------------------------------------
@pytest.mark.parametrize("backend", [FAIL, NULL, RAISING], ids=["fail", "null", "raising"])
def test_without_usable_keyring_login_warns_then_keeps_the_token_in_a_private_file(
    url_base: str, backend: str
) -> None:
    identifiant, temporaire = initialiser()
    r = premiere_connexion(identifiant, temporaire, MOT_DE_PASSE_ADMIN, env=_trousseau(backend))
    fichier = _fichier_jeton(identifiant)

    # The warning names the file and comes before the rest of the login's report.
    lignes = r.lignes_erreur
    avertissement = _indice(lignes, "Avertissement")
    assert "Trousseau système inutilisable" in lignes[avertissement]
    assert str(fichier) in lignes[avertissement]
    assert avertissement < _indice(lignes, "Connecté")
    assert r.stdout == ""

    assert fichier.is_file()
    assert _mode(fichier) == 0o600
    assert _mode(fichier.parent) == 0o700
    jeton = fichier.read_text(encoding="utf-8").strip()
    assert hashlib.sha256(jeton.encode()).hexdigest() in _condensats_en_base(url_base)
    assert not Path(os.environ["CPFADMIN_TEST_KEYRING_FILE"]).exists()

    r = cpfadmin("-o", "json", "me", env=_trousseau(backend))
    assert r.code == 0, r
    assert r.json()["identifiant"] == identifiant
    assert r.json()["stockage_jeton"] == f"fichier {fichier}"

    r = cpfadmin("logout", env=_trousseau(backend))
    assert r.code == 0, r
    assert not fichier.exists()
    assert cpfadmin("me", env=_trousseau(backend)).code == 3


def test_a_keyring_that_never_answers_is_abandoned_after_the_configured_timeout(
    url_base: str,
) -> None:
    _ajouter_a_la_config("[profiles.default.policy]\nkeyring_timeout_seconds = 1\n")
    identifiant, temporaire = initialiser()

    # The hanging keyring is given up after the configured second: the login goes on.
    r = premiere_connexion(identifiant, temporaire, MOT_DE_PASSE_ADMIN, env=_trousseau(HANGING))
    assert "n'a pas répondu en 1 s" in r.stderr
    assert _indice(r.lignes_erreur, "Avertissement") < _indice(r.lignes_erreur, "Connecté")
    assert _mode(_fichier_jeton(identifiant)) == 0o600

    r = cpfadmin("-o", "json", "me", env=_trousseau(HANGING))
    assert r.code == 0, r
    assert r.json()["identifiant"] == identifiant


@pytest.mark.parametrize("backend", [HANGING, RAISING], ids=["hanging", "raising"])
def test_a_keyring_that_stops_answering_after_login_gives_exit_8_in_bounded_time(
    url_base: str, backend: str
) -> None:
    _ajouter_a_la_config("[profiles.default.policy]\nkeyring_timeout_seconds = 1\n")
    identifiant, temporaire = initialiser()
    premiere_connexion(identifiant, temporaire, MOT_DE_PASSE_ADMIN)  # into the working keyring
    jeton = _jeton_du_keyring_de_test(identifiant)

    r = cpfadmin("me", env=_trousseau(backend))
    assert r.code == 8, r
    sans_trace(r)
    assert len(r.lignes_erreur) == 1, r
    assert "Trousseau système indisponible" in r.stderr
    assert "CPFADMIN_TOKEN" in r.stderr

    # CPFADMIN_TOKEN is the way out: the keyring is not even asked.
    r = cpfadmin("-o", "json", "me", env={**_trousseau(backend), "CPFADMIN_TOKEN": jeton})
    assert r.code == 0, r
    assert r.json()["identifiant"] == identifiant


# --- CPFADMIN_TOKEN -----------------------------------------------------------------------------
def test_cpfadmin_token_overrides_the_stored_token(url_base: str, tmp_path: Path) -> None:
    identifiant, temporaire = initialiser()
    premiere_connexion(identifiant, temporaire, MOT_DE_PASSE_ADMIN)
    assert cpfadmin("me").code == 0

    # Garbage in the variable wins over the valid stored token.
    r = cpfadmin("me", env={"CPFADMIN_TOKEN": "cpf_ceci-n-est-pas-un-jeton"})
    assert r.code == 3, r
    sans_trace(r)
    # An empty variable is no token at all: the stored one is used.
    assert cpfadmin("me", env={"CPFADMIN_TOKEN": ""}).code == 0

    # A second login, from another home (another machine) on the same store.
    ailleurs = tmp_path / "ailleurs"
    ailleurs.mkdir()
    (ailleurs / "config.toml").write_text("")
    autre_env = {
        "CPFADMIN_HOME": str(ailleurs),
        "CPFADMIN_DATABASE_URL": url_base,
        "CPFADMIN_TEST_KEYRING_FILE": str(tmp_path / "keyring-ailleurs.json"),
    }
    connexion(identifiant, MOT_DE_PASSE_ADMIN, env=autre_env)
    autre_jeton = json.loads((tmp_path / "keyring-ailleurs.json").read_text())[
        f"{SERVICE}/default:{identifiant}"
    ]
    assert autre_jeton != _jeton_du_keyring_de_test(identifiant)

    # Where nobody is logged in, the variable alone opens the session...
    r = cpfadmin("me", env={**autre_env, "CPFADMIN_HOME": str(tmp_path / "vide")})
    assert r.code == 3, r
    r = cpfadmin("-o", "json", "me",
                 env={**autre_env, "CPFADMIN_HOME": str(tmp_path / "vide"),
                      "CPFADMIN_TOKEN": f"  {autre_jeton}\n"})  # fmt: skip
    assert r.code == 0, r
    assert r.json()["identifiant"] == identifiant
    assert r.json()["stockage_jeton"] == "variable d'environnement CPFADMIN_TOKEN"
    # ... and here it is used rather than the token stored locally.
    r = cpfadmin("-o", "json", "me", env={"CPFADMIN_TOKEN": autre_jeton})
    assert r.code == 0, r
    assert r.json()["stockage_jeton"] == "variable d'environnement CPFADMIN_TOKEN"

    # Logging out elsewhere ends that session only: the variable no longer works, the token
    # stored here still does.
    assert cpfadmin("logout", env=autre_env).code == 0
    assert cpfadmin("me", env={"CPFADMIN_TOKEN": autre_jeton}).code == 3
    assert cpfadmin("me").code == 0


# --- the token is a secret ----------------------------------------------------------------------
def test_the_token_is_never_printed_and_the_store_keeps_only_its_sha256(
    url_base: str, tmp_path: Path
) -> None:
    resultats: list[Resultat] = []

    def lancer(*args: str, **options) -> Resultat:  # type: ignore[no-untyped-def]
        r = cpfadmin(*args, **options)
        resultats.append(r)
        return r

    identifiant, temporaire = initialiser()
    resultats.append(premiere_connexion(identifiant, temporaire, MOT_DE_PASSE_ADMIN))
    jeton_keyring = _jeton_du_keyring_de_test(identifiant)
    for sortie in ("table", "json", "csv"):
        assert lancer("-o", sortie, "me").code == 0
    assert lancer("--debug", "-o", "json", "me").code == 0
    assert lancer("-o", "json", "audit", "list").code == 0
    assert lancer("-o", "json", "audit", "verify").code == 0
    assert lancer("-o", "json", "me", env={"CPFADMIN_TOKEN": jeton_keyring}).code == 0
    # An unknown or malformed token is not echoed back in the error either.
    assert lancer("--debug", "me", env={"CPFADMIN_TOKEN": jeton_keyring + "x"}).code == 3

    # A second session, this time kept in the fallback file.
    resultats.append(connexion(identifiant, MOT_DE_PASSE_ADMIN, env=_trousseau(FAIL)))
    jeton_fichier = _fichier_jeton(identifiant).read_text().strip()
    assert lancer("-o", "json", "me", env=_trousseau(FAIL)).code == 0
    assert lancer("-o", "json", "logout", env=_trousseau(FAIL)).code == 0

    jetons = [jeton_keyring, jeton_fichier]
    assert all(j.startswith("cpf_") and len(j) >= 43 for j in jetons)  # ≥ 256 bits
    for r in resultats:
        for jeton in jetons:
            assert jeton not in r.stdout and jeton not in r.stderr, r

    # The store holds the SHA-256 of each token, and the tokens nowhere.
    condensats = _condensats_en_base(url_base)
    for jeton in jetons:
        assert hashlib.sha256(jeton.encode()).hexdigest() in condensats
    tout = base.contenu_complet(url_base)
    for jeton in jetons:
        assert jeton not in tout
        assert jeton.removeprefix("cpf_") not in tout
    if url_base.startswith("sqlite"):
        fichier_base = Path(url_base.removeprefix("sqlite:///"))
        for f in fichier_base.parent.glob(fichier_base.name + "*"):
            octets = f.read_bytes()
            for jeton in jetons:
                assert jeton.encode() not in octets, f

    # Nor does any file of cpfadmin's home hold the token kept in the keyring.
    for f in Path(os.environ["CPFADMIN_HOME"]).rglob("*"):
        if f.is_file():
            assert jeton_keyring.encode() not in f.read_bytes(), f


# --- CoffreJetons in-process --------------------------------------------------------------------
@pytest.fixture
def coffre(tmp_path: Path) -> CoffreJetons:
    return CoffreJetons(tmp_path / "donnees", "default", delai=1.0)


def test_coffre_keeps_one_keyring_entry_per_profile_and_identifiant(tmp_path: Path) -> None:
    memoire = MemoryKeyring()
    keyring.set_keyring(memoire)
    defaut = CoffreJetons(tmp_path, "default")
    prod = CoffreJetons(tmp_path, "prod")

    assert defaut.enregistrer("ABCD2345", "cpf_un").startswith("trousseau système")
    prod.enregistrer("ABCD2345", "cpf_deux")
    assert memoire.entrees == {
        (SERVICE, "default:ABCD2345"): "cpf_un",
        (SERVICE, "prod:ABCD2345"): "cpf_deux",
    }
    assert not (tmp_path / "jetons").exists()
    lu = defaut.lire()
    assert lu is not None and (lu.identifiant, lu.jeton) == ("ABCD2345", "cpf_un")

    # Logging in as someone else on the same profile keeps the first one's entry (issue 11):
    # the new account becomes the active one.
    defaut.enregistrer("WXYZ6789", "cpf_trois")
    assert memoire.entrees[(SERVICE, "default:ABCD2345")] == "cpf_un"
    assert memoire.entrees[(SERVICE, "default:WXYZ6789")] == "cpf_trois"
    assert defaut.actif() == "WXYZ6789"

    defaut.effacer()  # the active one only
    assert defaut.lire() is None and defaut.actif() is None
    assert (SERVICE, "default:WXYZ6789") not in memoire.entrees
    lu = defaut.lire("ABCD2345")
    assert lu is not None and lu.jeton == "cpf_un"
    assert prod.lire() is not None


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring, RaisingKeyring])
def test_coffre_warns_before_it_writes_the_fallback_file(
    coffre: CoffreJetons, backend: type
) -> None:
    keyring.set_keyring(backend())
    fichier = coffre.dossier_jetons / "default-ABCD2345.token"
    avertissements: list[tuple[str, bool]] = []
    coffre.avertir = lambda message: avertissements.append((message, fichier.exists()))

    emplacement = coffre.enregistrer("ABCD2345", "cpf_secret")

    assert len(avertissements) == 1
    message, fichier_deja_la = avertissements[0]
    assert not fichier_deja_la, "le fichier existait avant l'avertissement"
    assert str(fichier) in message
    assert "cpf_secret" not in message
    assert emplacement == f"fichier {fichier}"
    assert fichier.read_text() == "cpf_secret"
    assert _mode(fichier) == 0o600
    assert _mode(coffre.dossier_jetons) == 0o700
    lu = coffre.lire()
    assert lu is not None and lu.jeton == "cpf_secret"
    coffre.effacer()
    assert not fichier.exists() and coffre.lire() is None


def test_coffre_file_is_private_whatever_the_umask(coffre: CoffreJetons) -> None:
    keyring.set_keyring(fail.Keyring())
    ancien = os.umask(0)
    try:
        coffre.enregistrer("ABCD2345", "cpf_secret")
    finally:
        os.umask(ancien)
    assert _mode(coffre.dossier_jetons / "default-ABCD2345.token") == 0o600


def test_coffre_gives_up_on_a_hanging_keyring_after_its_timeout(tmp_path: Path) -> None:
    keyring.set_keyring(HangingKeyring())
    coffre = CoffreJetons(tmp_path, "default", delai=0.3)
    avertissements: list[str] = []
    coffre.avertir = avertissements.append

    emplacement = coffre.enregistrer("ABCD2345", "cpf_secret")
    assert emplacement.startswith("fichier ")
    assert "n'a pas répondu en 0.3 s" in avertissements[0]


def test_coffre_reports_an_unreadable_keyring_instead_of_hanging(tmp_path: Path) -> None:
    keyring.set_keyring(MemoryKeyring())
    coffre = CoffreJetons(tmp_path, "default", delai=0.3)
    coffre.enregistrer("ABCD2345", "cpf_secret")

    keyring.set_keyring(HangingKeyring())
    with pytest.raises(StockageIndisponible, match=r"n'a pas répondu en 0\.3 s"):
        coffre.lire()

    keyring.set_keyring(RaisingKeyring())
    with pytest.raises(StockageIndisponible, match="collection verrouillée") as e:
        coffre.lire()
    assert suggestion(e.value) and "CPFADMIN_TOKEN" in suggestion(e.value)


def test_coffre_removes_the_fallback_file_once_the_keyring_works_again(
    coffre: CoffreJetons,
) -> None:
    keyring.set_keyring(fail.Keyring())
    coffre.enregistrer("ABCD2345", "cpf_un")
    fichier = coffre.dossier_jetons / "default-ABCD2345.token"
    assert fichier.exists()

    memoire = MemoryKeyring()
    keyring.set_keyring(memoire)
    coffre.enregistrer("ABCD2345", "cpf_deux")
    assert not fichier.exists()
    assert memoire.entrees == {(SERVICE, "default:ABCD2345"): "cpf_deux"}


def test_coffre_survives_logins_racing_in_the_same_home(tmp_path: Path) -> None:
    """Two cpfadmin processes of one user logging in at once (a CI job running in parallel)
    both write the state file and, without a keyring, the token file: neither may fail, and
    what remains must be one complete token."""
    keyring.set_keyring(fail.Keyring())
    erreurs: list[BaseException] = []
    depart = threading.Barrier(8)

    def connecter(n: int) -> None:
        coffre = CoffreJetons(tmp_path, "default", delai=1.0)
        depart.wait()
        for i in range(100):
            try:
                coffre.enregistrer("ABCD2345", f"cpf_{n:02d}_{i:03d}")
            except Exception as e:  # every failure is the finding
                erreurs.append(e)

    fils = [threading.Thread(target=connecter, args=(n,)) for n in range(8)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()

    assert not erreurs, (
        f"{len(erreurs)} échecs, dont : {erreurs[0]!r} sur {getattr(erreurs[0], 'filename', '?')}"
    )
    lu = CoffreJetons(tmp_path, "default").lire()
    assert lu is not None and len(lu.jeton) == len("cpf_00_000")
