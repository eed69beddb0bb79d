"""The guide's "Habiliter un gestionnaire", end to end through the CLI, as a CI job would run it:
no prompt, passwords on stdin, the temporary passwords read from the e-mails."""

import json

import pytest

from tests.support.console import (
    MOT_DE_PASSE_ADMIN,
    MOT_DE_PASSE_GESTIONNAIRE,
    SIRET_EMPLOYEUR,
    SIRET_REGION,
    comptes,
    erreur_en_une_ligne,
    mot_de_passe_temporaire,
    principaux_actifs,
)

CLES_DU_CONTRAT = {
    "identifiant",
    "nom",
    "prenom",
    "email",
    "telephone_fixe",
    "telephone_mobile",
    "organisme_siret",
    "unite",
    "niveau_habilitation",
    "role",
    "statut",
}


@pytest.fixture
def jeton_operateur(console, operateur):
    return console.connecter(operateur, MOT_DE_PASSE_ADMIN)


def test_the_guide_from_the_operator_to_a_delegated_admin_habilitating_a_gestionnaire(
    console, jeton_operateur, url_base
):
    op = jeton_operateur

    # The CDC registers the employer…
    r = console.ok(
        "organismes",
        "add",
        "--siret",
        SIRET_EMPLOYEUR,
        "--raison-sociale",
        "Transports Lumière SAS",
        "--type",
        "employeur_prive",
        jeton=op,
    )
    assert SIRET_EMPLOYEUR in r.stdout and "Transports Lumière SAS" in r.stdout
    assert "designate-admin" in r.stderr  # the next step is suggested

    # …and designates its principal admin: a new account whose identifiant is printed, to be
    # handed over; the temporary password goes to the admin's e-mail only.
    r = console.ok(
        "organismes",
        "designate-admin",
        SIRET_EMPLOYEUR,
        "--nom",
        "Bernard",
        "--prenom",
        "Chloé",
        "--email",
        "chloe.bernard@lumiere.example",
        "--telephone-fixe",
        "04 72 00 00 00",
        jeton=op,
    )
    [ap] = principaux_actifs(url_base, SIRET_EMPLOYEUR)
    assert ap in r.stdout
    assert f"Administrateur principal : {ap}" in r.stderr
    temporaire_ap = mot_de_passe_temporaire("chloe.bernard@lumiere.example")
    assert temporaire_ap not in r.stdout + r.stderr

    # First login of the principal admin: new password (without her name), CGU accepted.
    r = console.ok(
        "login",
        ap.lower(),
        "--password-stdin",
        "--accept-cgu",
        input=f"{temporaire_ap}\n{MOT_DE_PASSE_ADMIN}\n",
    )
    assert "mot de passe a été modifié" in r.stderr
    assert "Conditions générales d'utilisation (version 1.0) acceptées" in r.stderr
    moi = console.json("me")
    assert moi["identifiant"] == ap
    assert moi["role"] == "administrateur_principal"
    assert "Gérer les habilitations" in [f["libelle"] for f in moi["menu"]]

    # "Lors du premier ajout d'unité, cliquez sur « ajouter une unité »."
    console.ok("unites", "add", "Service paie")

    # "Ajouter un gestionnaire": mandatory fields, at least one phone, optional unité and
    # niveau; the identifiant is given to the administrator.
    r = console.ok(
        "gestionnaires",
        "add",
        "--nom",
        "Durand",
        "--prenom",
        "Paul",
        "--email",
        "paul.durand@lumiere.example",
        "--telephone-mobile",
        "06 12 34 56 78",
        "--unite",
        "service PAIE",
        "--niveau",
        "gestion",
    )
    gestionnaire = next(
        c["identifiant"]
        for c in comptes(url_base, SIRET_EMPLOYEUR)
        if c["email"] == "paul.durand@lumiere.example"
    )
    assert f"identifiant {gestionnaire}" in r.stderr
    assert gestionnaire in r.stdout
    assert "Service paie" in r.stdout and "gestion" in r.stdout

    # "En choisissant « Administrateur délégué »…"
    r = console.ok(
        "-o",
        "json",
        "gestionnaires",
        "add",
        "--nom",
        "Petit",
        "--prenom",
        "Inès",
        "--email",
        "ines.petit@lumiere.example",
        "--telephone-fixe",
        "01 40 00 00 00",
        "--delegue",
    )
    delegue = json.loads(r.stdout)
    assert delegue["role"] == "administrateur_delegue"

    # The delegated admin logs in for the first time with the password from her e-mail…
    jeton_ad = console.premiere_connexion(
        delegue["identifiant"], "ines.petit@lumiere.example", MOT_DE_PASSE_ADMIN
    )
    # …habilitates gestionnaires…
    autre = console.ajouter(
        jeton_ad, "Moreau", "Hélène", "helene.moreau@lumiere.example", "--niveau", "consultation"
    )
    # …but cannot make delegated admins: only the principal admin may.
    r = console(
        "gestionnaires",
        "add",
        "--nom",
        "Roux",
        "--prenom",
        "Jules",
        "--email",
        "jules.roux@lumiere.example",
        "--telephone-mobile",
        "0611223344",
        "--delegue",
        jeton=jeton_ad,
    )
    assert r.exit_code == 4
    assert "administrateur délégué" in erreur_en_une_ligne(r)
    assert "jules.roux@lumiere.example" not in [
        c["email"] for c in comptes(url_base, SIRET_EMPLOYEUR)
    ]

    # The console lists the organisme's accounts with the documented keys.
    liste = console.json("gestionnaires", "list", jeton=jeton_ad)
    assert {c["identifiant"] for c in liste} == {ap, gestionnaire, delegue["identifiant"], autre}
    for compte in liste:
        assert compte.keys() >= CLES_DU_CONTRAT
    paul = next(c for c in liste if c["identifiant"] == gestionnaire)
    assert paul == paul | {
        "nom": "Durand",
        "prenom": "Paul",
        "email": "paul.durand@lumiere.example",
        "telephone_fixe": None,
        "telephone_mobile": "+33612345678",
        "organisme_siret": SIRET_EMPLOYEUR,
        "unite": "Service paie",
        "niveau_habilitation": "gestion",
        "role": "gestionnaire",
        "statut": "actif",
    }

    # The gestionnaire logs in with the identifiant handed over and the e-mailed password; its
    # menu has no habilitation console, and the console refuses it.
    jeton_g = console.premiere_connexion(
        gestionnaire, "paul.durand@lumiere.example", MOT_DE_PASSE_GESTIONNAIRE
    )
    menu = [f["libelle"] for f in console.json("me", jeton=jeton_g)["menu"]]
    assert menu == ["Mes données personnelles"]
    assert console("gestionnaires", "list", jeton=jeton_g).exit_code == 4

    # The operator sees the organisme with its principal admin and its active accounts.
    vue = console.json("organismes", "show", SIRET_EMPLOYEUR, jeton=op)
    assert vue["administrateur_principal"] == ap
    assert vue["comptes_actifs"] == 4


def test_a_conseil_regional_account_sees_the_espace_titulaire_and_the_cloture_simplifiee(
    console, jeton_operateur
):
    console.creer_organisme(
        jeton_operateur, SIRET_REGION, "Région Auvergne-Rhône-Alpes", "conseil_regional"
    )
    ap = console.designer(
        jeton_operateur, SIRET_REGION, "Lefèvre", "Marc", "marc.lefevre@region.example"
    )
    jeton_ap = console.premiere_connexion(ap, "marc.lefevre@region.example", MOT_DE_PASSE_ADMIN)

    r = console.ok("me", jeton=jeton_ap)
    assert "Espace Titulaire des salariés ayant délégué au Conseil régional" in r.stdout
    assert "Clôture simplifiée" in r.stdout

    # A gestionnaire of the Conseil régional at the consultation level opens them read-only.
    g = console.ajouter(
        jeton_ap, "Garnier", "Léa", "lea.garnier@region.example", "--niveau", "consultation"
    )
    jeton_g = console.premiere_connexion(g, "lea.garnier@region.example", MOT_DE_PASSE_GESTIONNAIRE)
    menu = {f["libelle"]: f["lecture_seule"] for f in console.json("me", jeton=jeton_g)["menu"]}
    assert menu == {
        "Mes données personnelles": False,
        "Espace Titulaire des salariés ayant délégué au Conseil régional": True,
        "Clôture simplifiée": True,
    }


def test_an_employer_account_has_no_cloture_simplifiee(console, jeton_operateur):
    console.creer_organisme(jeton_operateur, SIRET_EMPLOYEUR, "Transports Lumière SAS")
    ap = console.designer(
        jeton_operateur, SIRET_EMPLOYEUR, "Bernard", "Chloé", "chloe.bernard@lumiere.example"
    )
    jeton_ap = console.premiere_connexion(ap, "chloe.bernard@lumiere.example", MOT_DE_PASSE_ADMIN)
    r = console.ok("me", jeton=jeton_ap)
    assert "Clôture simplifiée" not in r.stdout
    assert "Espace Titulaire" not in r.stdout
    assert "Gérer les habilitations" in r.stdout
