"""The README story, through real processes with no terminal (stdin is a pipe), on the store
of the run (the embedded SQLite file, or a PostgreSQL database of its own)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import MOT_DE_PASSE_ADMIN
from tests.support.processus import connexion, cpfadmin, initialiser, sans_trace

# (new password, what the one-line message must say): each breaks one rule of SPEC §3.
NOUVEAUX_FAIBLES = [
    ("Court-2026!", "trop court"),
    ("minuscule-2026!x", "Il manque"),
    ("Alice-Martin-Solide-2026!", "ne doit pas contenir votre"),
]


def _echec_en_une_ligne(r, code: int, *mots: str) -> str:  # type: ignore[no-untyped-def]
    assert r.code == code, r
    sans_trace(r)
    assert r.stdout == "", r
    erreurs = [ligne for ligne in r.lignes_erreur if ligne.startswith("Erreur")]
    assert len(erreurs) == 1, r
    for mot in mots:
        assert mot in erreurs[0], r
    return erreurs[0]


def test_readme_story_runs_through_real_processes_without_a_terminal(url_base: str) -> None:
    # init prints the identifiant and, once, the temporary password: JSON on stdout only.
    r = cpfadmin("-o", "json", "init",
                 "--nom", "Martin", "--prenom", "Alice",
                 "--email", "alice.martin@caissedesdepots.fr",
                 "--telephone-mobile", "06 12 34 56 78")  # fmt: skip
    assert r.code == 0, r
    assert r.stderr == "", r
    init = r.json()
    identifiant, temporaire = init["identifiant"], init["mot_de_passe_temporaire"]
    assert len(identifiant) == 8
    assert len(temporaire.replace("-", "")) >= 20  # ≥ 96 bits in an easy-to-type alphabet

    # A weak new password is refused with the rule it breaks, and the temporary password
    # stays usable.
    for faible, regle in NOUVEAUX_FAIBLES:
        r = cpfadmin("login", identifiant, "--password-stdin", "--accept-cgu",
                     entree=f"{temporaire}\n{faible}\n")  # fmt: skip
        _echec_en_une_ligne(r, 7, regle)
        assert faible not in r.stderr and temporaire not in r.stderr

    # The same refusal in JSON: one JSON object on stderr, code 7.
    r = cpfadmin("-o", "json", "login", identifiant, "--password-stdin", "--accept-cgu",
                 entree=f"{temporaire}\ncourt\n")  # fmt: skip
    assert r.code == 7, r
    sans_trace(r)
    (erreur,) = r.lignes_erreur
    assert json.loads(erreur)["erreur"]["code"] == 7
    assert "trop court" in json.loads(erreur)["erreur"]["message"]

    # First login: temporary password, new password, CGU — exit 0, nothing on stdout.
    r = cpfadmin("login", identifiant, "--password-stdin", "--accept-cgu",
                 entree=f"{temporaire}\n{MOT_DE_PASSE_ADMIN}\n")  # fmt: skip
    assert r.code == 0, r
    assert r.stdout == ""
    assert f"Connecté : {identifiant}" in r.stderr
    assert MOT_DE_PASSE_ADMIN not in r.stderr

    r = cpfadmin("-o", "json", "me")
    assert r.code == 0, r
    moi = r.json()
    assert moi["identifiant"] == identifiant
    assert (moi["nom"], moi["prenom"]) == ("Martin", "Alice")
    assert moi["role"] == "administrateur_principal"
    assert moi["operateur"] is True
    assert moi["organisme_siret"] == init["organisme_siret"]
    assert moi["cgu_version_acceptee"]
    assert moi["session_expire_le"]
    assert [f["libelle"] for f in moi["menu"]] == [
        "Mes données personnelles",
        "Gérer les habilitations",
    ]

    # The temporary password works once.
    r = cpfadmin("login", identifiant, "--password-stdin", "--accept-cgu",
                 entree=f"{temporaire}\n{MOT_DE_PASSE_ADMIN}x\n")  # fmt: skip
    _echec_en_une_ligne(r, 3, "Identifiant ou mot de passe incorrect")

    r = cpfadmin("logout")
    assert r.code == 0, r
    r = cpfadmin("me")
    _echec_en_une_ligne(r, 3, "cpfadmin login")
    r = cpfadmin("-o", "json", "me")
    assert r.code == 3 and r.stdout == "", r
    assert json.loads(r.stderr)["erreur"]["code"] == 3

    # Back in with the chosen password; the audit chain holds every step of the story.
    connexion(identifiant, MOT_DE_PASSE_ADMIN)
    r = cpfadmin("-o", "json", "audit", "verify")
    assert r.code == 0, r
    verification = r.json()
    assert verification["valide"] is True
    r = cpfadmin("-o", "json", "audit", "list")
    assert r.code == 0, r
    actions = [e["action"] for e in r.json()]
    assert verification["evenements_verifies"] == len(actions)
    assert actions == [
        "initialisation",
        "mot_de_passe_change",
        "cgu_acceptees",
        "connexion_reussie",
        "connexion_echec",  # the temporary password, a second time
        "deconnexion",
        "connexion_reussie",
    ]
    assert temporaire not in r.stdout and MOT_DE_PASSE_ADMIN not in r.stdout


@pytest.mark.base_absente
@pytest.mark.parametrize("args", [("me",), ("audit", "verify"), ("logout",)])
def test_commands_before_init_say_so_in_one_line(url_base: str, args: tuple[str, ...]) -> None:
    r = cpfadmin(*args)
    assert r.code == 8, r
    assert "cpfadmin init" in r.stderr
    sans_trace(r)
    assert len(r.lignes_erreur) == 1, r


def test_init_twice_is_a_conflict_and_prints_no_new_password(url_base: str) -> None:
    initialiser()
    r = cpfadmin("-o", "json", "init", "--nom", "Autre", "--prenom", "Bob",
                 "--email", "bob.autre@caissedesdepots.fr",
                 "--telephone-mobile", "0612345679")  # fmt: skip
    assert r.code == 6, r
    assert r.stdout == ""
    sans_trace(r)
