"""Did-you-mean for values (issue 11, point 12): an unknown unité, rôle, statut, organisme
type, niveau or audit action names the closest existing values, as Click does for commands."""

import ast
from pathlib import Path

import pytest

import cpfadmin
from cpfadmin.domain.audit import ACTIONS
from cpfadmin.domain.suggestions import proches, vouliez_vous_dire
from tests.support.console import (
    MOT_DE_PASSE_ADMIN,
    SIRET_EMPLOYEUR,
    erreur_en_une_ligne,
)


# --- the helper ----------------------------------------------------------------------------------
def test_the_closest_values_ignore_case_and_accents():
    assert proches("service PAYE", ["Service paie", "Formation", "Comptabilité"]) == [
        "Service paie"
    ]
    assert proches("comptabilite", ["Service paie", "Comptabilité"]) == ["Comptabilité"]
    assert proches("paie", ["Service paie", "Formation"]) == ["Service paie"]
    assert proches("zzz", ["Service paie", "Formation"]) == []


def test_the_suggestion_reads_as_a_french_question():
    assert vouliez_vous_dire("suspendue", ["actif", "suspendu", "supprime"]) == (
        "vouliez-vous dire « suspendu » ?"
    )
    assert vouliez_vous_dire("xyz", ["actif"]) is None
    deux = vouliez_vous_dire("connexion", ACTIONS)
    assert deux is not None and " ou « " in deux


def test_every_action_the_services_record_is_a_known_audit_action():
    """ACTIONS (what ``audit list --action`` accepts) is the list of what the code records."""
    trouvees = set()
    for fichier in (Path(cpfadmin.__file__).parent / "services").rglob("*.py"):
        for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
            if isinstance(noeud, ast.Call) and getattr(noeud.func, "attr", None) == "auditer":
                for c in ast.walk(noeud.args[0]):
                    if isinstance(c, ast.Constant) and isinstance(c.value, str):
                        trouvees.add(c.value)
            # actions chosen in a variable or a mapping before the call
            if (
                isinstance(noeud, ast.Constant)
                and isinstance(noeud.value, str)
                and noeud.value.startswith(("compte_", "delegue_"))
                and noeud.value.isidentifier()
            ):
                trouvees.add(noeud.value)
    trouvees -= {"compte_id", "compte_cible_id", "compte_par_identifiant", "compte_inactif"}
    assert trouvees <= set(ACTIONS), trouvees - set(ACTIONS)


# --- through the CLI -----------------------------------------------------------------------------
@pytest.fixture
def op(console, operateur):
    jeton = console.connecter(operateur, MOT_DE_PASSE_ADMIN)
    console.creer_organisme(jeton, SIRET_EMPLOYEUR, "Transports Lumière SAS")
    for libelle in ("Service paie", "Formation"):
        console.ok("unites", "add", libelle, "--organisme", SIRET_EMPLOYEUR, jeton=jeton)
    return jeton


def refus(r, code):
    assert r.exit_code == code, (r.exit_code, r.stdout, r.stderr)
    return erreur_en_une_ligne(r)


AJOUT = (
    "gestionnaires", "add", "--organisme", SIRET_EMPLOYEUR, "--nom", "Durand",
    "--prenom", "Paul", "--email", "paul.durand@lumiere.example",
    "--telephone-mobile", "0611223344",
)  # fmt: skip


def test_an_unknown_unite_names_the_closest_unite(console, op):
    ligne = refus(console(*AJOUT, "--unite", "Service paye", jeton=op), 7)
    assert "Unité inconnue" in ligne
    assert "vouliez-vous dire « Service paie » ?" in ligne


def test_an_unknown_unite_without_a_close_one_still_says_how_to_create_it(console, op):
    ligne = refus(console(*AJOUT, "--unite", "Logistique", jeton=op), 7)
    assert "vouliez-vous dire" not in ligne
    assert 'cpfadmin unites add "Logistique"' in ligne


def test_renaming_an_unknown_unite_names_the_closest(console, op):
    args = ("unites", "rename", "Formations", "Formation continue")
    ligne = refus(console(*args, "--organisme", SIRET_EMPLOYEUR, jeton=op), 5)
    assert "vouliez-vous dire « Formation » ?" in ligne


@pytest.mark.parametrize(
    ("args", "code", "attendu"),
    [
        (("gestionnaires", "list", "--organisme", SIRET_EMPLOYEUR, "--statut", "suspendue"), 7,
         "« suspendu »"),
        (("gestionnaires", "list", "--organisme", SIRET_EMPLOYEUR, "--role", "gestionaire"), 7,
         "« gestionnaire »"),
        (("organismes", "list", "--type", "employeur_publique"), 7, "« employeur_public »"),
        (("organismes", "list", "--statut", "actifs"), 7, "« actif »"),
        (("outbox", "list", "--statut", "envoyes"), 7, "« envoye »"),
        (("audit", "list", "--action", "connexion_echouee"), 7, "« connexion_echec »"),
    ],
    ids=["statut", "role", "type", "statut-organisme", "statut-message", "action"],
)  # fmt: skip
def test_an_unknown_value_names_the_closest(console, op, args, code, attendu):
    ligne = refus(console(*args, jeton=op), code)
    assert f"vouliez-vous dire {attendu}" in ligne


def test_an_unknown_niveau_names_the_closest(console, op):
    ligne = refus(console(*AJOUT, "--niveau", "gestionn", jeton=op), 7)
    assert "vouliez-vous dire « gestion » ?" in ligne


def test_audit_list_refuses_an_unknown_action_with_the_list(console, op):
    r = console("audit", "list", "--action", "nimportequoi", jeton=op)
    ligne = refus(r, 7)
    assert "Action d'audit inconnue : « nimportequoi »" in ligne
    assert "connexion_echec" in ligne and "compte_cree" in ligne


def test_audit_list_accepts_a_known_action_whatever_its_case(console, op):
    evenements = console.json("audit", "list", "--action", "Unite_Creee", jeton=op)
    assert [e["action"] for e in evenements] == ["unite_creee", "unite_creee"]


def test_audit_list_help_lists_the_actions(cli):
    r = cli("audit", "list", "--help")
    assert r.exit_code == 0
    aide = " ".join(r.stdout.split())
    for action in ("connexion_echec", "compte_cree", "delegue_attribue", "unite_supprimee"):
        assert action in aide
