"""The guide's story through a real ``cpfadmin serve`` (SPEC §8): operator, principal admin,
délégué, gestionnaire, unités, import, export, renewal, audit — each command the CLI a user
types, with ``--server``, and the server alone on the store."""

from __future__ import annotations

import json

from tests.support.console import (
    MOT_DE_PASSE_ADMIN,
    MOT_DE_PASSE_GESTIONNAIRE,
    SIRET_EMPLOYEUR,
    _jeton_courant,
    comptes,
    courriels,
    erreur_en_une_ligne,
)


def test_the_whole_story_runs_through_the_server(initialise, distant, serveur, url_base, tmp_path):
    console = distant
    identifiant, temporaire = initialise
    console.ok(
        "login", identifiant, "--password-stdin", "--accept-cgu",
        input=f"{temporaire}\n{MOT_DE_PASSE_ADMIN}\n",
    )  # fmt: skip
    op = _jeton_courant()
    moi = console.json("me", jeton=op)
    assert moi["identifiant"] == identifiant
    assert moi["serveur"] == serveur.url
    assert moi["operateur"] is True

    console.creer_organisme(op, SIRET_EMPLOYEUR, "Transports Lumière SAS")
    adresse_ap = "chloe.bernard@lumiere.example"
    ap = console.designer(op, SIRET_EMPLOYEUR, "Bernard", "Chloé", adresse_ap)
    # the temporary password went by e-mail, sent by the server
    assert any(m["To"] == adresse_ap for m in courriels())
    jeton_ap = console.premiere_connexion(ap, adresse_ap, MOT_DE_PASSE_ADMIN)

    console.ok("unites", "add", "Paie", jeton=jeton_ap)
    assert [u["libelle"] for u in console.json("unites", "list", jeton=jeton_ap)] == ["Paie"]
    adresse_del = "marc.roux@lumiere.example"
    delegue = console.ajouter(jeton_ap, "Roux", "Marc", adresse_del, "--delegue")
    jeton_del = console.premiere_connexion(delegue, adresse_del, MOT_DE_PASSE_ADMIN)
    adresse_g = "paul.durand@lumiere.example"
    g = console.ajouter(jeton_del, "Durand", "Paul", adresse_g, "--unite", "Paie")
    jeton_g = console.premiere_connexion(g, adresse_g, MOT_DE_PASSE_GESTIONNAIRE)

    # a gestionnaire may not habilitate: the same refusal, exit 4, as on the store itself
    r = console(
        "gestionnaires", "add", "--nom", "X", "--prenom", "Y", "--email", "x@lumiere.example",
        "--telephone-mobile", "0611223344", jeton=jeton_g,
    )  # fmt: skip
    assert r.exit_code == 4, r.stderr
    erreur_en_une_ligne(r)

    # bulk import: uploaded, both passes on the server, the report written here
    fichier = tmp_path / "equipe.csv"
    fichier.write_text(
        "Nom;Prénom;Mél.;Téléphone portable;Service\n"
        "Leroy;Anne;anne.leroy@lumiere.example;0611223345;Paie\n"
        "Petit;Luc;luc.petit@lumiere.example;0611223346;Paie\n"
        "Faux;Rien;pas-une-adresse;0611223347;Paie\n",
        encoding="utf-8",
    )
    rapport = tmp_path / "rapport.csv"
    r = console("gestionnaires", "import", str(fichier), "--report", str(rapport), jeton=jeton_ap)
    assert r.exit_code == 7, r.stderr
    texte = rapport.read_text(encoding="utf-8-sig")
    assert "anne.leroy@lumiere.example" in texte and "pas-une-adresse" in texte
    emails = {c["email"] for c in comptes(url_base, SIRET_EMPLOYEUR)}
    assert {"anne.leroy@lumiere.example", "luc.petit@lumiere.example"} <= emails
    # re-sent: nothing created twice
    avant = len(comptes(url_base, SIRET_EMPLOYEUR))
    console("gestionnaires", "import", str(fichier), jeton=jeton_ap)
    assert len(comptes(url_base, SIRET_EMPLOYEUR)) == avant

    # export streams back, and re-imports
    export = console.ok("gestionnaires", "export", jeton=jeton_ap).stdout
    assert "anne.leroy@lumiere.example" in export and export.startswith("identifiant;")
    liste = console.json("gestionnaires", "list", "--unite", "Paie", jeton=jeton_ap)
    assert {c["email"] for c in liste} >= {adresse_g, "anne.leroy@lumiere.example"}

    # renewal by the right person: the délégué renews the gestionnaire's password
    console.ok("password", "renew", g, "--yes", jeton=jeton_del)
    assert "Votre mot de passe temporaire" in str(
        [m for m in courriels() if m["To"] == adresse_g][-1].get_body().get_content()
    )
    # an employer's admin may not verify the whole chain; the operator may
    assert console("audit", "verify", jeton=jeton_ap).exit_code == 4
    assert console.json("audit", "verify", jeton=op)["valide"] is True
    actions = {e["action"] for e in console.json("audit", "list", jeton=op)}
    assert {"organisme_cree", "compte_cree", "mot_de_passe_renouvele"} <= actions

    console.ok("logout", jeton=jeton_g)


def test_errors_are_the_same_through_the_server(operateur, distant, locale, cli):
    from tests.support.console import MOT_DE_PASSE_ADMIN

    op = locale.connecter(operateur, MOT_DE_PASSE_ADMIN)
    cas = [
        ("gestionnaires", "show", "NOPE2345"),
        ("organismes", "add", "--siret", "123", "--raison-sociale", "X", "--type", "opco"),
        ("organismes", "show", "73282932000017"),
        ("unites", "remove", "Inexistante"),
    ]
    for args in cas:
        ici, la_bas = locale(*args, jeton=op), distant(*args, jeton=op)
        assert (ici.exit_code, ici.stderr) == (la_bas.exit_code, la_bas.stderr), args
        assert la_bas.exit_code != 0
        ici = locale("-o", "json", *args, jeton=op)
        la_bas = distant("-o", "json", *args, jeton=op)
        assert json.loads(ici.stderr) == json.loads(la_bas.stderr), args
    # a forged token, then no token at all: exit 3 and the same words as on the store
    assert distant("me", jeton="jeton-forge").stderr == locale("me", jeton="jeton-forge").stderr
    assert distant("me", jeton="jeton-forge").exit_code == 3
    distant.ok("logout")
    r = distant("me")
    assert r.exit_code == 3
    assert "cpfadmin login" in r.stderr
    # the same one answer for a wrong password and an unknown identifiant
    faux = distant("login", operateur, "--password-stdin", input="mauvais\n")
    inconnu = distant("login", "ZZZZ2345", "--password-stdin", input="mauvais\n")
    assert faux.exit_code == inconnu.exit_code == 3
    assert faux.stderr == inconnu.stderr
