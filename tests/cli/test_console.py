"""The habilitation console through the CLI: organismes, gestionnaires, unités, own data and
CGU — exit codes, one-line French refusals that write nothing, outputs, and the audit trail."""

import csv
import io
import json
from dataclasses import dataclass

import pytest

from tests.support.base import lignes
from tests.support.console import (
    MOT_DE_PASSE_ADMIN,
    MOT_DE_PASSE_GESTIONNAIRE,
    SIRET_AUTRE,
    SIRET_CDC,
    SIRET_EMPLOYEUR,
    SIRET_INCONNU,
    Console,
    comptes,
    dernier_evenement,
    employeur_inscrit,
    empreinte,
    erreur_en_une_ligne,
    evenements,
    principaux_actifs,
    sessions_ouvertes,
    tous_les_temporaires,
)


@dataclass
class Employeur:
    """An employer registered by the operator, with its principal admin logged in."""

    console: Console
    url: str
    op: str  # the operator's session token
    operateur: str
    ap: str  # the principal admin's identifiant
    jeton_ap: str

    def ajouter(self, nom, prenom, adresse, *options, jeton=None, telephone="06 11 22 33 44"):
        return self.console.ajouter(
            jeton or self.jeton_ap, nom, prenom, adresse, *options, telephone=telephone
        )

    def vue(self, identifiant):
        return self.console.json("gestionnaires", "show", identifiant, jeton=self.op)


@pytest.fixture
def employeur(console, operateur, url_base):
    op, ap, jeton_ap = employeur_inscrit(console, operateur)
    return Employeur(console, url_base, op, operateur, ap, jeton_ap)


@pytest.fixture
def gestionnaire(employeur):
    """Paul Durand, gestionnaire of the employer, logged in: (identifiant, token)."""
    g = employeur.ajouter("Durand", "Paul", "paul.durand@lumiere.example")
    jeton = employeur.console.premiere_connexion(
        g, "paul.durand@lumiere.example", MOT_DE_PASSE_GESTIONNAIRE
    )
    return g, jeton


def refuse(r, code):
    assert r.exit_code == code, (r.exit_code, r.stdout, r.stderr)
    return erreur_en_une_ligne(r)


# --- validation: one French line, exit 7, nothing written (the issue's Done-when) --------------
AJOUT_VALIDE = {
    "--nom": "Durand",
    "--prenom": "Paul",
    "--email": "paul.durand@lumiere.example",
    "--telephone-mobile": "06 12 34 56 78",
}


def options(surcharges):
    valeurs = AJOUT_VALIDE | surcharges
    return [x for cle, valeur in valeurs.items() if valeur is not None for x in (cle, valeur)]


@pytest.mark.parametrize(
    "surcharges, attendu",
    [
        ({"--telephone-mobile": None}, "Au moins un numéro de téléphone"),
        ({"--telephone-mobile": "12 34"}, "Téléphone mobile invalide"),
        ({"--email": "paul.durand@@lumiere"}, "Adresse e-mail invalide"),
        ({"--organisme": "73282932000075"}, "SIRET invalide"),
        ({"--unite": "Comptabilité"}, "Unité inconnue"),
        ({"--niveau": "total"}, "Niveau d'habilitation invalide"),
        ({"--nom": "=CMD()"}, "Nom : ne peut pas commencer par « = »"),
    ],
    ids=["sans-telephone", "telephone", "email", "siret", "unite", "niveau", "formule"],
)
def test_invalid_gestionnaire_is_one_french_line_exit_7_and_writes_nothing(
    employeur, surcharges, attendu
):
    avant = empreinte(employeur.url)
    r = employeur.console("gestionnaires", "add", *options(surcharges), jeton=employeur.jeton_ap)
    assert attendu in refuse(r, 7)
    assert empreinte(employeur.url) == avant


def test_invalid_input_is_json_on_stderr_with_o_json(employeur):
    r = employeur.console(
        "-o", "json", "gestionnaires", "add", *options({"--telephone-mobile": None}),
        jeton=employeur.jeton_ap,
    )  # fmt: skip
    assert r.exit_code == 7 and r.stdout == ""
    erreur = json.loads(r.stderr)["erreur"]
    assert erreur["code"] == 7
    assert "téléphone" in erreur["message"]


def test_unknown_unite_suggests_creating_it(employeur):
    r = employeur.console(
        "gestionnaires", "add", *options({"--unite": "Paie"}), jeton=employeur.jeton_ap
    )
    assert 'cpfadmin unites add "Paie"' in refuse(r, 7)


def test_duplicate_email_whatever_its_case_is_a_conflict_that_writes_nothing(employeur):
    paul = employeur.ajouter("Durand", "Paul", "paul.durand@lumiere.example")
    avant = empreinte(employeur.url)
    r = employeur.console(
        "gestionnaires",
        "add",
        *options({"--email": "Paul.DURAND@Lumiere.Example", "--prenom": "Paolo"}),
        jeton=employeur.jeton_ap,
    )
    assert paul in refuse(r, 6)
    assert empreinte(employeur.url) == avant


def test_the_same_email_may_serve_in_two_organismes(employeur):
    employeur.console.creer_organisme(employeur.op, SIRET_AUTRE, "Lumière Services")
    employeur.console.designer(
        employeur.op, SIRET_AUTRE, "Bernard", "Chloé", "chloe.bernard@lumiere.example"
    )
    assert len(principaux_actifs(employeur.url, SIRET_AUTRE)) == 1


def test_unknown_organisme_siret_is_not_found(employeur):
    avant = empreinte(employeur.url)
    r = employeur.console(
        "gestionnaires", "add", *options({"--organisme": SIRET_INCONNU}), jeton=employeur.op
    )
    assert SIRET_INCONNU in refuse(r, 5)
    for commande in (
        ["organismes", "show", SIRET_INCONNU],
        ["organismes", "update", SIRET_INCONNU, "--raison-sociale", "X"],
        ["organismes", "designate-admin", SIRET_INCONNU, "--identifiant", employeur.ap],
        ["gestionnaires", "list", "--organisme", SIRET_INCONNU],
        ["unites", "list", "--organisme", SIRET_INCONNU],
    ):
        refuse(employeur.console(*commande, jeton=employeur.op), 5)
    assert empreinte(employeur.url) == avant


def test_unknown_identifiant_is_not_found(employeur):
    for commande in ("show", "update", "suspend", "reactivate", "remove"):
        for inconnu in ("ZZZZZZZZ", "pas-un-identifiant"):
            oui = ("--yes",) if commande == "remove" else ()
            r = employeur.console(
                "gestionnaires", commande, inconnu, *oui, jeton=employeur.jeton_ap
            )
            assert "Aucun compte d'identifiant" in refuse(r, 5), commande


# --- organismes -------------------------------------------------------------------------------
def test_organisme_add_refusals_write_nothing(employeur):
    avant = empreinte(employeur.url)
    for siret, type_, code, attendu in (
        ("73282932000075", "employeur_prive", 7, "SIRET invalide"),  # bad checksum
        ("7328293200007", "employeur_prive", 7, "SIRET invalide"),  # 13 digits
        (SIRET_AUTRE, "association", 7, "Type d'organisme invalide"),
        (SIRET_AUTRE, "cdc", 7, "qu'un organisme cdc"),
        (SIRET_AUTRE, "CDC", 7, "qu'un organisme cdc"),
        (SIRET_EMPLOYEUR, "employeur_public", 6, "existe déjà"),
        ("732 829 320 00074", "opco", 6, "existe déjà"),
        (SIRET_CDC, "opco", 6, "existe déjà"),
    ):
        r = employeur.console(
            "organismes", "add", "--siret", siret, "--raison-sociale", "Autre", "--type", type_,
            jeton=employeur.op,
        )  # fmt: skip
        assert attendu in refuse(r, code), (siret, type_)
    assert empreinte(employeur.url) == avant


def test_organismes_list_and_show(employeur):
    employeur.console.creer_organisme(
        employeur.op, SIRET_AUTRE, "Mairie de Lyon", "employeur_public"
    )
    liste = employeur.console.json("organismes", "list", jeton=employeur.op)
    assert [o["siret"] for o in liste] == [SIRET_CDC, SIRET_AUTRE, SIRET_EMPLOYEUR]
    assert {o["siret"] for o in employeur.console.json(
        "organismes", "list", "--type", "employeur_public", jeton=employeur.op
    )} == {SIRET_AUTRE}  # fmt: skip
    assert [o["siret"] for o in employeur.console.json(
        "organismes", "list", "--search", "lumière", jeton=employeur.op
    )] == [SIRET_EMPLOYEUR]  # fmt: skip

    vue = employeur.console.json("organismes", "show", SIRET_EMPLOYEUR, jeton=employeur.op)
    assert vue == vue | {
        "siret": SIRET_EMPLOYEUR,
        "raison_sociale": "Transports Lumière SAS",
        "type": "employeur_prive",
        "statut": "actif",
        "administrateur_principal": employeur.ap,
        "comptes_actifs": 1,
    }
    table = employeur.console.ok("organismes", "list", jeton=employeur.op).stdout
    assert "Transports Lumière SAS" in table and "Mairie de Lyon" in table


def test_organismes_search_takes_percent_and_underscore_literally(employeur):
    # As the accounts' search does: a "%" or "_" typed is that character, not a wildcard.
    def sirets(motif):
        liste = employeur.console.json("organismes", "list", "--search", motif, jeton=employeur.op)
        return {o["siret"] for o in liste}

    assert sirets("lumière") == {SIRET_EMPLOYEUR}
    assert sirets("%") == set()
    assert sirets("_") == set()


def test_organisme_update_renames_and_audits_only_what_changed(employeur):
    vue = employeur.console.json(
        "organismes", "update", SIRET_EMPLOYEUR, "--raison-sociale", "Lumière Transports",
        "--statut", "actif", jeton=employeur.op,
    )  # fmt: skip
    assert vue["raison_sociale"] == "Lumière Transports"
    e = dernier_evenement(employeur.url, "organisme_modifie")
    assert (e["acteur"], e["organisme"]) == (employeur.operateur, SIRET_EMPLOYEUR)
    assert e["details"] == {
        "avant": {"raison_sociale": "Transports Lumière SAS"},
        "apres": {"raison_sociale": "Lumière Transports"},
    }


def test_suspending_an_organisme_ends_its_sessions_and_logins(employeur, gestionnaire):
    g, jeton_g = gestionnaire
    employeur.console.ok(
        "organismes", "update", SIRET_EMPLOYEUR, "--statut", "suspendu", jeton=employeur.op
    )
    assert sessions_ouvertes(employeur.url, employeur.ap) == 0
    assert sessions_ouvertes(employeur.url, g) == 0
    refuse(employeur.console("me", jeton=employeur.jeton_ap), 3)
    refuse(employeur.console("gestionnaires", "list", jeton=jeton_g), 3)
    r = employeur.console("login", employeur.ap, "--password-stdin", input=MOT_DE_PASSE_ADMIN)
    assert "suspendu" in refuse(r, 3)
    # Nothing may be added to a suspended organisme, even by the operator.
    r = employeur.console(
        "gestionnaires", "add", *options({"--organisme": SIRET_EMPLOYEUR}), jeton=employeur.op
    )
    assert "suspendu" in refuse(r, 6)

    # Reactivated, its accounts log in again, but the ended sessions stay ended.
    employeur.console.ok(
        "organismes", "update", SIRET_EMPLOYEUR, "--statut", "actif", jeton=employeur.op
    )
    refuse(employeur.console("me", jeton=employeur.jeton_ap), 3)
    jeton = employeur.console.connecter(employeur.ap, MOT_DE_PASSE_ADMIN)
    assert employeur.console.json("me", jeton=jeton)["identifiant"] == employeur.ap


def test_the_cdc_organisme_cannot_be_suspended(employeur):
    avant = empreinte(employeur.url)
    r = employeur.console(
        "organismes", "update", SIRET_CDC, "--statut", "suspendu", jeton=employeur.op
    )
    assert "CDC" in refuse(r, 6)
    assert empreinte(employeur.url) == avant
    refuse(employeur.console(
        "organismes", "update", SIRET_EMPLOYEUR, "--statut", "ferme", jeton=employeur.op
    ), 7)  # fmt: skip


def test_designating_a_member_makes_the_previous_principal_admin_delegated(employeur):
    membre = employeur.ajouter("Petit", "Inès", "ines.petit@lumiere.example")
    assert principaux_actifs(employeur.url, SIRET_EMPLOYEUR) == [employeur.ap]

    r = employeur.console.ok(
        "organismes", "designate-admin", SIRET_EMPLOYEUR, "--identifiant", membre.lower(),
        jeton=employeur.op,
    )  # fmt: skip
    assert f"Administrateur principal : {membre}" in r.stderr
    assert f"L'ancien administrateur principal {employeur.ap} devient administrateur délégué" in (
        r.stderr
    )
    assert principaux_actifs(employeur.url, SIRET_EMPLOYEUR) == [membre]
    assert employeur.vue(employeur.ap)["role"] == "administrateur_delegue"
    assert employeur.vue(membre)["role"] == "administrateur_principal"
    # No new account, no e-mail: the member keeps its authentifiants.
    assert len(comptes(employeur.url, SIRET_EMPLOYEUR)) == 2

    e = dernier_evenement(employeur.url, "administrateur_principal_designe")
    assert (e["acteur"], e["organisme"], e["cible"]) == (
        employeur.operateur,
        SIRET_EMPLOYEUR,
        membre,
    )
    assert e["details"] == {"nouveau_compte": False, "ancien_administrateur": employeur.ap}

    # The former principal admin, now delegated, may no longer grant délégué.
    autre = employeur.ajouter("Roux", "Jules", "jules.roux@lumiere.example")
    refuse(employeur.console(
        "gestionnaires", "update", autre, "--delegue", jeton=employeur.jeton_ap
    ), 4)  # fmt: skip


def test_designating_a_new_account_keeps_one_principal_admin(employeur):
    nouveau = employeur.console.designer(
        employeur.op, SIRET_EMPLOYEUR, "Moreau", "Hélène", "helene.moreau@lumiere.example"
    )
    assert principaux_actifs(employeur.url, SIRET_EMPLOYEUR) == [nouveau]
    assert employeur.vue(employeur.ap)["role"] == "administrateur_delegue"


def test_a_failed_designation_changes_nobody(employeur):
    employeur.console.creer_organisme(employeur.op, SIRET_AUTRE, "Lumière Services")
    ap_autre = employeur.console.designer(
        employeur.op, SIRET_AUTRE, "Roux", "Jules", "jules.roux@services.example"
    )
    suspendu = employeur.ajouter("Petit", "Inès", "ines.petit@lumiere.example")
    employeur.console.ok("gestionnaires", "suspend", suspendu, jeton=employeur.jeton_ap)
    avant = empreinte(employeur.url)

    cas = [
        # a member of another organisme
        (["--identifiant", ap_autre], 7, "n'appartient pas"),
        # the current principal admin
        (["--identifiant", employeur.ap], 6, "déjà l'administrateur principal"),
        # a suspended member
        (["--identifiant", suspendu], 6, "suspendu"),
        # a new account with the e-mail of a member: the demotion is rolled back too
        (["--nom", "Bernard", "--prenom", "Chloé", "--email", "CHLOE.bernard@lumiere.example",
          "--telephone-mobile", "0611223344"], 6, "existe déjà"),
        # neither a member nor a new account's fields
        ([], 7, "téléphone"),
    ]  # fmt: skip
    for arguments, code, attendu in cas:
        r = employeur.console(
            "organismes", "designate-admin", SIRET_EMPLOYEUR, *arguments, jeton=employeur.op
        )
        assert attendu in refuse(r, code), arguments
        assert principaux_actifs(employeur.url, SIRET_EMPLOYEUR) == [employeur.ap]
        assert principaux_actifs(employeur.url, SIRET_AUTRE) == [ap_autre]
    assert empreinte(employeur.url) == avant


# --- gestionnaires ----------------------------------------------------------------------------
def test_show_gives_the_professional_information(employeur):
    employeur.console.ok("unites", "add", "Paie", jeton=employeur.jeton_ap)
    g = employeur.ajouter("Durand", "Paul", "paul.durand@lumiere.example", "--unite", "paie")
    vue = employeur.console.json("gestionnaires", "show", g.lower(), jeton=employeur.jeton_ap)
    assert vue == vue | {
        "identifiant": g,
        "nom": "Durand",
        "email": "paul.durand@lumiere.example",
        "telephone_mobile": "+33611223344",
        "organisme_siret": SIRET_EMPLOYEUR,
        "unite": "Paie",
        "role": "gestionnaire",
        "statut": "actif",
        "premiere_connexion_faite": False,
    }
    assert not {k for k in vue if "hache" in k or "condensat" in k}
    table = employeur.console.ok("gestionnaires", "show", g, jeton=employeur.jeton_ap).stdout
    assert g in table and "Durand" in table


def test_update_changes_fields_and_audits_only_what_changed(employeur):
    g = employeur.ajouter("Durand", "Paul", "paul.durand@lumiere.example")
    vue = employeur.console.json(
        "gestionnaires", "update", g, "--nom", "Durand-Leroy", "--prenom", "Paul",
        "--email", "p.durand@lumiere.example", jeton=employeur.jeton_ap,
    )  # fmt: skip
    assert (vue["nom"], vue["email"]) == ("Durand-Leroy", "p.durand@lumiere.example")
    e = dernier_evenement(employeur.url, "compte_modifie")
    assert (e["acteur"], e["organisme"], e["cible"]) == (employeur.ap, SIRET_EMPLOYEUR, g)
    assert e["details"] == {
        "avant": {"nom": "Durand", "email": "paul.durand@lumiere.example"},
        "apres": {"nom": "Durand-Leroy", "email": "p.durand@lumiere.example"},
    }
    # The new name is searchable at once.
    trouves = employeur.console.json(
        "gestionnaires", "list", "--search", "leroy", "--organisme", SIRET_EMPLOYEUR,
        jeton=employeur.op,
    )  # fmt: skip
    assert [c["identifiant"] for c in trouves] == [g]


def test_update_with_nothing_new_writes_no_event(employeur):
    g = employeur.ajouter("Durand", "Paul", "paul.durand@lumiere.example")
    avant = empreinte(employeur.url)
    employeur.console.ok("gestionnaires", "update", g, "--nom", "Durand", jeton=employeur.jeton_ap)
    assert empreinte(employeur.url) == avant


def test_update_unite_and_niveau(employeur):
    employeur.console.ok("unites", "add", "Service paie", jeton=employeur.jeton_ap)
    g = employeur.ajouter("Durand", "Paul", "paul.durand@lumiere.example")

    def maj(*args):
        return employeur.console.json("gestionnaires", "update", g, *args, jeton=employeur.jeton_ap)

    assert maj("--unite", "SERVICE PAIE", "--niveau", "Consultation") == maj() | {
        "unite": "Service paie",
        "niveau_habilitation": "consultation",
    }
    assert maj("--sans-unite")["unite"] is None
    assert maj("--niveau", "gestion")["niveau_habilitation"] == "gestion"
    assert maj("--sans-niveau")["niveau_habilitation"] is None
    e = dernier_evenement(employeur.url, "compte_modifie")
    assert e["details"] == {
        "avant": {"niveau_habilitation": "gestion"},
        "apres": {"niveau_habilitation": None},
    }
    assert "Unité inconnue" in refuse(
        employeur.console(
            "gestionnaires", "update", g, "--unite", "Compta", jeton=employeur.jeton_ap
        ),
        7,
    )
    refuse(
        employeur.console("gestionnaires", "update", g, "--niveau", "", jeton=employeur.jeton_ap), 7
    )


def test_an_empty_phone_clears_it_but_one_phone_stays(employeur):
    g = employeur.ajouter("Durand", "Paul", "paul.durand@lumiere.example")

    def maj(*args):
        return employeur.console("gestionnaires", "update", g, *args, jeton=employeur.jeton_ap)

    assert employeur.vue(g)["telephone_mobile"] == "+33611223344"
    refuse(maj("--telephone-mobile", ""), 7)
    assert employeur.vue(g)["telephone_mobile"] == "+33611223344"

    vue = employeur.console.json("gestionnaires", "update", g, jeton=employeur.jeton_ap)
    assert vue["telephone_mobile"] == "+33611223344"  # nothing asked: nothing changes
    r = employeur.console(
        "-o", "json", "gestionnaires", "update", g, "--telephone-fixe", "04 72 10 20 30",
        "--telephone-mobile", "", jeton=employeur.jeton_ap,
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    vue = json.loads(r.stdout)
    assert (vue["telephone_fixe"], vue["telephone_mobile"]) == ("+33472102030", None)
    assert "Au moins un numéro" in refuse(maj("--telephone-fixe", ""), 7)
    assert "Téléphone fixe invalide" in refuse(maj("--telephone-fixe", "+44 20 7946 0958"), 7)
    assert employeur.vue(g)["telephone_fixe"] == "+33472102030"


def test_the_principal_admin_grants_and_withdraws_delegue(employeur):
    g = employeur.ajouter("Durand", "Paul", "paul.durand@lumiere.example")
    vue = employeur.console.json(
        "gestionnaires", "update", g, "--delegue", jeton=employeur.jeton_ap
    )
    assert vue["role"] == "administrateur_delegue"
    e = dernier_evenement(employeur.url, "delegue_attribue")
    assert (e["acteur"], e["cible"]) == (employeur.ap, g)
    assert e["details"] == {
        "avant": {"role": "gestionnaire"},
        "apres": {"role": "administrateur_delegue"},
    }
    listes = employeur.console.json(
        "gestionnaires", "list", "--role", "administrateur_delegue", jeton=employeur.jeton_ap
    )
    assert [c["identifiant"] for c in listes] == [g]

    vue = employeur.console.json(
        "gestionnaires", "update", g, "--no-delegue", jeton=employeur.jeton_ap
    )
    assert vue["role"] == "gestionnaire"
    assert dernier_evenement(employeur.url, "delegue_retire")["details"]["apres"] == {
        "role": "gestionnaire"
    }


def test_the_principal_admins_role_only_changes_by_designation(employeur):
    r = employeur.console(
        "gestionnaires", "update", employeur.ap, "--no-delegue", jeton=employeur.op
    )
    assert "designate-admin" in refuse(r, 6)
    assert principaux_actifs(employeur.url, SIRET_EMPLOYEUR) == [employeur.ap]


def test_a_delegated_admin_cannot_grant_delegue(employeur):
    ad = employeur.ajouter("Petit", "Inès", "ines.petit@lumiere.example", "--delegue")
    jeton_ad = employeur.console.premiere_connexion(
        ad, "ines.petit@lumiere.example", MOT_DE_PASSE_ADMIN
    )
    g = employeur.ajouter("Durand", "Paul", "paul.durand@lumiere.example", jeton=jeton_ad)
    avant = empreinte(employeur.url)
    refuse(employeur.console("gestionnaires", "update", g, "--delegue", jeton=jeton_ad), 4)
    assert empreinte(employeur.url) == avant
    # …but changes a gestionnaire's other data.
    assert employeur.console.json(
        "gestionnaires", "update", g, "--niveau", "gestion", jeton=jeton_ad
    )["niveau_habilitation"] == "gestion"  # fmt: skip


def test_suspension_ends_the_sessions_and_reactivation_allows_a_new_login(employeur, gestionnaire):
    g, jeton_g = gestionnaire
    assert employeur.console("me", jeton=jeton_g).exit_code == 0
    r = employeur.console.ok("gestionnaires", "suspend", g, jeton=employeur.jeton_ap)
    assert f"Compte {g} suspendu" in r.stderr
    assert sessions_ouvertes(employeur.url, g) == 0
    refuse(employeur.console("me", jeton=jeton_g), 3)  # its very next command
    r = employeur.console("login", g, "--password-stdin", input=MOT_DE_PASSE_GESTIONNAIRE)
    refuse(r, 3)
    assert "déjà suspendu" in refuse(
        employeur.console("gestionnaires", "suspend", g, jeton=employeur.jeton_ap), 6
    )
    assert "réactivez-le" in refuse(
        employeur.console("gestionnaires", "update", g, "--nom", "X", jeton=employeur.jeton_ap), 6
    )

    employeur.console.ok("gestionnaires", "reactivate", g, jeton=employeur.jeton_ap)
    refuse(employeur.console("me", jeton=jeton_g), 3)  # ended sessions stay ended
    jeton = employeur.console.connecter(g, MOT_DE_PASSE_GESTIONNAIRE)
    assert employeur.console.json("me", jeton=jeton)["statut"] == "actif"
    assert "déjà actif" in refuse(
        employeur.console("gestionnaires", "reactivate", g, jeton=employeur.jeton_ap), 6
    )


def test_removal_is_soft_and_the_email_suggests_reactivation(employeur, gestionnaire):
    g, jeton_g = gestionnaire
    r = employeur.console.ok("gestionnaires", "remove", g, "--yes", jeton=employeur.jeton_ap)
    assert f"Compte {g} supprimé" in r.stderr
    refuse(employeur.console("me", jeton=jeton_g), 3)

    actifs = employeur.console.json(
        "gestionnaires", "list", "--statut", "actif", jeton=employeur.jeton_ap
    )
    assert g not in [c["identifiant"] for c in actifs]
    supprimes = employeur.console.json(
        "gestionnaires", "list", "--statut", "supprime", jeton=employeur.jeton_ap
    )
    assert [(c["identifiant"], c["statut"]) for c in supprimes] == [(g, "supprime")]
    assert employeur.vue(g)["statut"] == "supprime"

    r = employeur.console(
        "gestionnaires", "add", *options({"--email": "PAUL.durand@lumiere.example"}),
        jeton=employeur.jeton_ap,
    )  # fmt: skip
    ligne = refuse(r, 6)
    assert f"{g} (supprime)" in ligne
    assert f"cpfadmin gestionnaires reactivate {g}" in ligne

    employeur.console.ok("gestionnaires", "reactivate", g, jeton=employeur.jeton_ap)
    assert employeur.vue(g)["statut"] == "actif"


def test_nobody_suspends_or_removes_themselves(employeur):
    for jeton, soi in ((employeur.jeton_ap, employeur.ap), (employeur.op, employeur.operateur)):
        for commande in ("suspend", "remove"):
            oui = ("--yes",) if commande == "remove" else ()
            r = employeur.console("gestionnaires", commande, soi, *oui, jeton=jeton)
            assert "votre propre compte" in refuse(r, 4)
    assert employeur.vue(employeur.ap)["statut"] == "actif"


def test_the_principal_admin_cannot_be_suspended_or_removed(employeur):
    avant = empreinte(employeur.url)
    for commande in ("suspend", "remove"):
        oui = ("--yes",) if commande == "remove" else ()
        r = employeur.console("gestionnaires", commande, employeur.ap, *oui, jeton=employeur.op)
        assert "designate-admin" in refuse(r, 6)
    assert empreinte(employeur.url) == avant
    assert principaux_actifs(employeur.url, SIRET_EMPLOYEUR) == [employeur.ap]


@pytest.fixture
def equipe(employeur):
    """Four accounts besides the principal admin, in two unités, one suspended."""
    for unite in ("Paie", "Formation"):
        employeur.console.ok("unites", "add", unite, jeton=employeur.jeton_ap)
    ids = {
        "helene": employeur.ajouter("Moreau", "Hélène", "helene.moreau@lumiere.example", "--unite", "paie"),
        "paul": employeur.ajouter("Durand", "Paul", "paul_durand@lumiere.example", "--unite", "Paie"),
        "ines": employeur.ajouter("Petit", "Inès", "ines.petit@lumiere.example", "--unite", "formation", "--delegue"),
        "jules": employeur.ajouter("Roux", "Jules", "jules.roux@lumiere.example", "--unite", "Formation"),
    }  # fmt: skip
    employeur.console.ok("gestionnaires", "suspend", ids["jules"], jeton=employeur.jeton_ap)
    return ids


def test_list_filters(employeur, equipe):
    def ids(*filtres):
        liste = employeur.console.json("gestionnaires", "list", *filtres, jeton=employeur.jeton_ap)
        return {c["identifiant"] for c in liste}

    e = equipe
    assert ids() == {employeur.ap, *e.values()}
    assert ids("--unite", "PAIE") == {e["helene"], e["paul"]}
    assert ids("--unite", "formation", "--statut", "actif") == {e["ines"]}
    assert ids("--role", "administrateur_delegue") == {e["ines"]}
    assert ids("--role", "administrateur_principal") == {employeur.ap}
    assert ids("--statut", "suspendu") == {e["jules"]}
    assert ids("--role", "gestionnaire", "--statut", "actif") == {e["helene"], e["paul"]}
    refuse(
        employeur.console("gestionnaires", "list", "--role", "chef", jeton=employeur.jeton_ap), 7
    )
    refuse(
        employeur.console("gestionnaires", "list", "--statut", "parti", jeton=employeur.jeton_ap), 7
    )
    refuse(
        employeur.console("gestionnaires", "list", "--unite", "Compta", jeton=employeur.jeton_ap), 7
    )


def test_search_ignores_accents_and_case(employeur, equipe):
    def ids(motif):
        liste = employeur.console.json(
            "gestionnaires", "list", "--search", motif, jeton=employeur.jeton_ap
        )
        return {c["identifiant"] for c in liste}

    assert ids("helene") == {equipe["helene"]}
    assert ids("HÉLÈNE") == {equipe["helene"]}
    assert ids("MOREAU") == {equipe["helene"]}
    assert ids("INES") == {equipe["ines"]}
    assert ids("lumiere.example") == {employeur.ap, *equipe.values()}
    assert ids(equipe["paul"].lower()) == {equipe["paul"]}


def test_search_takes_percent_and_underscore_literally(employeur, equipe):
    def ids(motif):
        liste = employeur.console.json(
            "gestionnaires", "list", "--search", motif, jeton=employeur.jeton_ap
        )
        return {c["identifiant"] for c in liste}

    assert ids("%") == set()
    assert ids("_") == {equipe["paul"]}  # only paul_durand@ has an underscore
    assert ids("ul_d") == {equipe["paul"]}
    assert ids("ul%d") == set()
    assert ids("\\") == set()


def test_list_as_csv_has_a_header_row_and_semicolons(employeur, equipe):
    r = employeur.console.ok(
        "-o", "csv", "gestionnaires", "list", "--unite", "Paie", jeton=employeur.jeton_ap
    )
    lignes_csv = list(csv.reader(io.StringIO(r.stdout), delimiter=";"))
    entete, *donnees = lignes_csv
    assert entete[:4] == ["identifiant", "nom", "prenom", "email"]
    assert {"unite", "niveau_habilitation", "role", "statut", "organisme_siret"} <= set(entete)
    assert sorted(row[entete.index("nom")] for row in donnees) == ["Durand", "Moreau"]
    assert {row[entete.index("unite")] for row in donnees} == {"Paie"}
    assert r.stdout.splitlines()[0].count(";") == len(entete) - 1


def test_list_as_a_table_counts_the_accounts(employeur, equipe):
    r = employeur.console.ok("gestionnaires", "list", "--statut", "actif", jeton=employeur.jeton_ap)
    assert "4 compte(s)." in r.stderr
    assert "Hélène" in r.stdout and "adm. délégué" in r.stdout


# --- unités -----------------------------------------------------------------------------------
def test_unites_are_unique_whatever_the_case(employeur):
    employeur.console.ok("unites", "add", "Service paie", jeton=employeur.jeton_ap)
    avant = empreinte(employeur.url)
    r = employeur.console("unites", "add", "SERVICE PAIE", jeton=employeur.jeton_ap)
    assert "« Service paie » existe déjà" in refuse(r, 6)
    assert empreinte(employeur.url) == avant
    refuse(employeur.console("unites", "add", "  ", jeton=employeur.jeton_ap), 7)
    # Another organisme may have its own "Service paie".
    employeur.console.creer_organisme(employeur.op, SIRET_AUTRE, "Lumière Services")
    employeur.console.ok(
        "unites", "add", "service paie", "--organisme", SIRET_AUTRE, jeton=employeur.op
    )


def test_unites_list_counts_active_accounts(employeur, equipe):
    unites = employeur.console.json("unites", "list", jeton=employeur.jeton_ap)
    assert unites == [
        {"libelle": "Formation", "organisme_siret": SIRET_EMPLOYEUR, "comptes_actifs": 1},
        {"libelle": "Paie", "organisme_siret": SIRET_EMPLOYEUR, "comptes_actifs": 2},
    ]
    table = employeur.console.ok("unites", "list", jeton=employeur.jeton_ap).stdout
    assert "Comptes actifs" in table and "Formation" in table


def test_rename_unite(employeur, equipe):
    employeur.console.ok(
        "unites", "rename", "paie", "Paie et rémunérations", jeton=employeur.jeton_ap
    )
    assert employeur.vue(equipe["paul"])["unite"] == "Paie et rémunérations"
    e = dernier_evenement(employeur.url, "unite_renommee")
    assert (e["acteur"], e["organisme"]) == (employeur.ap, SIRET_EMPLOYEUR)
    assert e["details"] == {
        "avant": {"libelle": "Paie"},
        "apres": {"libelle": "Paie et rémunérations"},
    }
    avant = empreinte(employeur.url)
    r = employeur.console(
        "unites", "rename", "Paie et rémunérations", "FORMATION", jeton=employeur.jeton_ap
    )
    assert "existe déjà" in refuse(r, 6)
    refuse(
        employeur.console("unites", "rename", "Compta", "Comptabilité", jeton=employeur.jeton_ap), 5
    )
    assert empreinte(employeur.url) == avant
    # A change of case only is a rename of the same unité.
    employeur.console.ok("unites", "rename", "formation", "FORMATION", jeton=employeur.jeton_ap)
    assert employeur.vue(equipe["ines"])["unite"] == "FORMATION"


def test_a_unite_used_by_active_accounts_cannot_be_removed(employeur, equipe):
    avant = empreinte(employeur.url)
    r = employeur.console("unites", "remove", "paie", jeton=employeur.jeton_ap)
    assert "utilisée par 2 compte(s) actif(s)" in refuse(r, 6)
    assert empreinte(employeur.url) == avant
    refuse(employeur.console("unites", "remove", "Compta", jeton=employeur.jeton_ap), 5)


def test_a_unite_used_only_by_a_suspended_account_is_removed_and_the_account_loses_it(
    employeur, equipe
):
    # Formation: Inès (active) and Jules (suspended). Inès moves away first.
    employeur.console.ok(
        "gestionnaires", "update", equipe["ines"], "--sans-unite", jeton=employeur.jeton_ap
    )
    r = employeur.console.ok("unites", "remove", "Formation", jeton=employeur.jeton_ap)
    assert "Unité « Formation » supprimée" in r.stderr
    assert [
        u["libelle"] for u in employeur.console.json("unites", "list", jeton=employeur.jeton_ap)
    ] == ["Paie"]
    assert employeur.vue(equipe["jules"])["unite"] is None
    employeur.console.ok("gestionnaires", "reactivate", equipe["jules"], jeton=employeur.jeton_ap)
    assert employeur.vue(equipe["jules"])["unite"] is None
    e = dernier_evenement(employeur.url, "unite_supprimee")
    assert e["details"] == {"libelle": "Formation", "comptes_inactifs_detaches": 1}
    # The name is free again.
    employeur.console.ok("unites", "add", "formation", jeton=employeur.jeton_ap)


# --- own data and CGU -------------------------------------------------------------------------
def test_me_update_changes_own_email_and_phones(employeur, gestionnaire):
    g, jeton_g = gestionnaire
    r = employeur.console.ok(
        "-o", "json", "me", "update", "--email", "Paul.Durand@Lumiere-Transports.example",
        "--telephone-fixe", "01 40 20 30 40", "--telephone-mobile", "", "--password-stdin",
        jeton=jeton_g, input=MOT_DE_PASSE_GESTIONNAIRE + "\n",
    )  # fmt: skip
    vue = json.loads(r.stdout)
    assert vue == {
        "email": "Paul.Durand@lumiere-transports.example",
        "telephone_fixe": "+33140203040",
        "telephone_mobile": None,
    }
    moi = employeur.console.json("me", jeton=jeton_g)
    assert (moi["email"], moi["telephone_fixe"]) == (vue["email"], "+33140203040")
    e = dernier_evenement(employeur.url, "donnees_personnelles_modifiees")
    assert (e["acteur"], e["organisme"], e["cible"]) == (g, SIRET_EMPLOYEUR, g)
    assert e["details"] == {
        "avant": {"telephone_fixe": None, "telephone_mobile": "+33611223344"},
        "apres": {"telephone_fixe": "+33140203040", "telephone_mobile": None},
    }
    # The e-mail, re-authenticated and announced to the old address, has an event of its own.
    e = dernier_evenement(employeur.url, "email_modifie")
    assert (e["acteur"], e["organisme"], e["cible"]) == (g, SIRET_EMPLOYEUR, g)
    assert e["details"] == {
        "avant": {"email": "paul.durand@lumiere.example"},
        "apres": {"email": "Paul.Durand@lumiere-transports.example"},
        "reauthentifie": True,
        "avis_envoye_a": "paul.durand@lumiere.example",
    }


def test_me_update_keeps_a_phone_and_a_unique_email(employeur, gestionnaire):
    g, jeton_g = gestionnaire
    avant = empreinte(employeur.url)
    assert "Au moins un numéro" in refuse(
        employeur.console("me", "update", "--telephone-mobile", "", jeton=jeton_g), 7
    )
    assert "existe déjà" in refuse(
        employeur.console(
            "me", "update", "--email", "CHLOE.Bernard@lumiere.example", "--password-stdin",
            jeton=jeton_g, input=MOT_DE_PASSE_GESTIONNAIRE + "\n",
        ),
        6,
    )  # fmt: skip
    refuse(employeur.console("me", "update", "--email", "pas-une-adresse", jeton=jeton_g), 7)
    assert employeur.console("me", "update", jeton=jeton_g).exit_code == 2
    assert empreinte(employeur.url) == avant
    # Only the own change of phone changes the phone.
    employeur.console.ok("me", "update", "--telephone-mobile", "07 81 22 33 44", jeton=jeton_g)
    assert employeur.vue(g)["telephone_mobile"] == "+33781223344"


def test_me_cgu_shows_the_version_and_the_acceptance(employeur, gestionnaire):
    _, jeton_g = gestionnaire
    vue = employeur.console.json("me", "cgu", jeton=jeton_g)
    assert (vue["version"], vue["acceptee"]) == ("1.0", True)
    assert vue["acceptee_le"] and vue["texte"].strip()
    table = employeur.console.ok("me", "cgu", jeton=jeton_g).stdout
    assert "version 1.0" in table and "Acceptée" in table


@pytest.fixture
def cgu_v2(tmp_path):
    fichier = tmp_path / "cgu-2.0.txt"
    fichier.write_text("Conditions générales, version 2.0.\nArticle 1 : …\n", encoding="utf-8")
    return fichier


def test_published_cgu_must_be_accepted_at_the_next_login(employeur, gestionnaire, cgu_v2):
    g, jeton_g = gestionnaire
    r = employeur.console.ok("cgu", "publish", str(cgu_v2), "--version", "2.0", jeton=employeur.op)
    assert "prochaine connexion" in r.stderr
    e = dernier_evenement(employeur.url, "cgu_publiees")
    assert (e["acteur"], e["organisme"]) == (employeur.operateur, SIRET_CDC)
    assert e["details"]["cgu_version"] == "2.0"

    # Without --accept-cgu and without a terminal, no session is opened.
    for identifiant, mot_de_passe in (
        (g, MOT_DE_PASSE_GESTIONNAIRE),
        (employeur.ap, MOT_DE_PASSE_ADMIN),
    ):
        r = employeur.console("login", identifiant, "--password-stdin", input=f"{mot_de_passe}\n")
        assert "Conditions générales" in refuse(r, 3)

    # A session opened before still runs; `me cgu` shows the new version, not yet accepted…
    vue = employeur.console.json("me", "cgu", jeton=jeton_g)
    assert (vue["version"], vue["acceptee"], vue["texte"]) == ("2.0", False, cgu_v2.read_text())
    assert employeur.console.json("me", jeton=jeton_g)["cgu_version_acceptee"] is None
    # …and `me cgu --accept` records the acceptance.
    vue = employeur.console.json("me", "cgu", "--accept", jeton=jeton_g)
    assert (vue["version"], vue["acceptee"]) == ("2.0", True)
    e = dernier_evenement(employeur.url, "cgu_acceptees")
    assert (e["acteur"], e["cible"], e["details"]) == (g, g, {"cgu_version": "2.0"})
    employeur.console.connecter(g, MOT_DE_PASSE_GESTIONNAIRE)  # no step left

    r = employeur.console.ok(
        "login", employeur.ap, "--password-stdin", "--accept-cgu", input=f"{MOT_DE_PASSE_ADMIN}\n"
    )
    assert "version 2.0" in r.stderr


def test_cgu_publish_refusals(employeur, cgu_v2, tmp_path):
    employeur.console.ok("cgu", "publish", str(cgu_v2), "--version", "2.0", jeton=employeur.op)
    avant = empreinte(employeur.url)
    assert "existe déjà" in refuse(
        employeur.console("cgu", "publish", str(cgu_v2), "--version", "2.0", jeton=employeur.op), 6
    )
    assert "existe déjà" in refuse(
        employeur.console("cgu", "publish", str(cgu_v2), "--version", "1.0", jeton=employeur.op), 6
    )
    refuse(
        employeur.console(
            "cgu", "publish", str(cgu_v2), "--version", "3.0", jeton=employeur.jeton_ap
        ),
        4,
    )
    assert "introuvable" in refuse(employeur.console(
        "cgu", "publish", str(tmp_path / "absent.txt"), "--version", "3.0", jeton=employeur.op
    ), 7)  # fmt: skip
    vide = tmp_path / "vide.txt"
    vide.write_text("  \n", encoding="utf-8")
    assert "vide" in refuse(
        employeur.console("cgu", "publish", str(vide), "--version", "3.0", jeton=employeur.op), 7
    )
    assert empreinte(employeur.url) == avant


def test_cgu_publish_reads_stdin(employeur):
    r = employeur.console(
        "-o", "json", "cgu", "publish", "-", "--version", "2.1", jeton=employeur.op,
        input="Texte lu sur l'entrée standard.\n",
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["version"] == "2.1"


# --- audit of every change ---------------------------------------------------------------------
def test_every_console_change_is_audited_with_actor_organisme_and_target(employeur, gestionnaire):
    g, _ = gestionnaire
    c = employeur.console
    c.ok("unites", "add", "Paie", jeton=employeur.jeton_ap)
    c.ok("gestionnaires", "update", g, "--unite", "Paie", jeton=employeur.jeton_ap)
    c.ok("gestionnaires", "suspend", g, jeton=employeur.jeton_ap)
    c.ok("gestionnaires", "reactivate", g, jeton=employeur.jeton_ap)
    c.ok("gestionnaires", "remove", g, "--yes", jeton=employeur.jeton_ap)

    def un(action):
        e = dernier_evenement(employeur.url, action)
        return e["acteur"], e["organisme"], e["cible"]

    assert un("organisme_cree") == (employeur.operateur, SIRET_EMPLOYEUR, SIRET_EMPLOYEUR)
    assert dernier_evenement(employeur.url, "organisme_cree")["details"] == {
        "raison_sociale": "Transports Lumière SAS",
        "type": "employeur_prive",
    }
    assert un("administrateur_principal_designe") == (
        employeur.operateur,
        SIRET_EMPLOYEUR,
        employeur.ap,
    )
    cree = [e for e in evenements(employeur.url, "compte_cree") if e["cible"] == g]
    assert [(e["acteur"], e["organisme"]) for e in cree] == [(employeur.ap, SIRET_EMPLOYEUR)]
    assert cree[0]["details"] == {
        "nom": "Durand",
        "prenom": "Paul",
        "email": "paul.durand@lumiere.example",
        "role": "gestionnaire",
        "unite": None,
        "niveau_habilitation": None,
    }
    assert un("unite_creee") == (employeur.ap, SIRET_EMPLOYEUR, None)
    for action in ("compte_modifie", "compte_suspendu", "compte_reactive", "compte_supprime"):
        assert un(action) == (employeur.ap, SIRET_EMPLOYEUR, g), action
    assert dernier_evenement(employeur.url, "compte_modifie")["details"] == {
        "avant": {"unite": None},
        "apres": {"unite": "Paie"},
    }
    c.ok("audit", "verify", jeton=employeur.op)  # and the chain holds


def test_status_changes_audit_only_the_fields_that_changed(employeur, gestionnaire):
    g, _ = gestionnaire
    for commande, avant, apres in (
        ("suspend", "actif", "suspendu"),
        ("reactivate", "suspendu", "actif"),
        ("remove", "actif", "supprime"),
    ):
        oui = ("--yes",) if commande == "remove" else ()
        employeur.console.ok("gestionnaires", commande, g, *oui, jeton=employeur.jeton_ap)
        e = evenements(employeur.url)[-1]
        assert e["cible"] == g
        assert e["details"] == {"avant": {"statut": avant}, "apres": {"statut": apres}}, commande


def test_no_secret_reaches_the_audit(employeur, gestionnaire, cgu_v2):
    _, jeton_g = gestionnaire
    c = employeur.console
    ad = employeur.ajouter("Petit", "Inès", "ines.petit@lumiere.example", "--delegue")
    jeton_ad = c.premiere_connexion(ad, "ines.petit@lumiere.example", MOT_DE_PASSE_ADMIN)
    jules = employeur.ajouter("Roux", "Jules", "jules.roux@lumiere.example", jeton=jeton_ad)
    c.ok("password", "renew", jules, "--yes", jeton=jeton_ad)
    c.ok("me", "update", "--telephone-fixe", "0140203040", jeton=jeton_g)
    c.ok("cgu", "publish", str(cgu_v2), "--version", "2.0", jeton=employeur.op)

    secrets = [
        *tous_les_temporaires(),
        MOT_DE_PASSE_ADMIN,
        MOT_DE_PASSE_GESTIONNAIRE,
        employeur.op,
        employeur.jeton_ap,
        jeton_g,
        jeton_ad,
    ]
    assert len(tous_les_temporaires()) == 5  # the AP, Paul, Inès, Jules and his renewal
    audit = json.dumps(
        [list(map(str, ligne)) for ligne in lignes(employeur.url, "SELECT * FROM evenement_audit")],
        ensure_ascii=False,
    )
    for secret in secrets:
        assert secret not in audit
    # Not even through the CLI's own view of the audit.
    sortie = c.ok(
        "-o", "json", "audit", "list", "--organisme", SIRET_EMPLOYEUR, jeton=employeur.op
    ).stdout
    for secret in secrets:
        assert secret not in sortie
