"""Issue 13, point 10: a CDC délégué counts as an operator, but the principal admin of the CDC
organisme itself is designated by its current principal admin alone (SPEC §2)."""

from __future__ import annotations

from tests.support.console import MOT_DE_PASSE_ADMIN, SIRET_CDC, SIRET_EMPLOYEUR, empreinte

NOUVEAU = ("--nom", "Pantin", "--prenom", "Paul", "--email", "paul.pantin@caissedesdepots.fr",
           "--telephone-mobile", "0612345670")  # fmt: skip


def _delegue_cdc(employeur):  # type: ignore[no-untyped-def]
    adresse = "jeanne.roux@caissedesdepots.fr"
    identifiant = employeur.console.ajouter(employeur.op, "Roux", "Jeanne", adresse, "--delegue")
    jeton = employeur.console.premiere_connexion(identifiant, adresse, MOT_DE_PASSE_ADMIN)
    return identifiant, jeton


def test_a_cdc_delegue_may_not_designate_the_cdcs_principal_admin(employeur):
    _, jeton = _delegue_cdc(employeur)
    avant = empreinte(employeur.url)
    r = employeur.console("organismes", "designate-admin", SIRET_CDC, *NOUVEAU, jeton=jeton)
    assert r.exit_code == 4, r.stderr
    assert (
        "Votre compte ne permet pas de désigner l'administrateur principal de la CDC : c'est à "
        "son administrateur principal actuel de le faire." in r.stderr
    )
    assert empreinte(employeur.url) == avant
    # …but still designates an employer's, as an operator does
    r = employeur.console(
        "organismes", "designate-admin", SIRET_EMPLOYEUR, *NOUVEAU[:4],
        "--email", "paul.pantin@lumiere.example", "--telephone-mobile", "0612345670",
        jeton=jeton,
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr


def test_the_cdcs_principal_admin_designates_its_successor(employeur):
    delegue, _ = _delegue_cdc(employeur)
    r = employeur.console(
        "organismes", "designate-admin", SIRET_CDC, "--identifiant", delegue, jeton=employeur.op
    )
    assert r.exit_code == 0, r.stderr
    assert "devient administrateur délégué" in r.stderr
