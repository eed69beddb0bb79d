"""The automatic e-mails seen from the command line, with the default ``file`` transport: an
account's creation queues its temporary password in the same transaction and delivers it right
after the command, as one ``.eml`` file; ``outbox list/send`` show and deliver the queue, never
its secrets."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cpfadmin.domain.messages import MARQUEUR_SECRET
from tests.conftest import MOT_DE_PASSE_ADMIN, MOT_DE_PASSE_GESTIONNAIRE, json_de
from tests.support.base import contenu_complet, lignes
from tests.support.smtp import (
    TEMPORAIRE,
    configurer_courrier,
    instant,
    lire_message,
    magasin,
    messages_en_base,
    temporaire_de,
)

SIRET_1 = "73282932000074"
SIRET_2 = "55208131766001"
SUJET_CREATION = "SI CPF – Votre mot de passe temporaire"
URL_PORTAIL = "https://gestespaceprive.moncompteformation.gouv.fr/sl5-portailgest-web/login"


# --- helpers -----------------------------------------------------------------------------------
def boite(isolation: Path) -> list[Path]:
    dossier = isolation / "data" / "courrier"
    return sorted(dossier.glob("*.eml")) if dossier.exists() else []


def courriel_pour(isolation: Path, adresse: str):  # type: ignore[no-untyped-def]
    trouves = [m for f in boite(isolation) if (m := lire_message(f.read_bytes()))["To"] == adresse]
    assert len(trouves) == 1, [f.name for f in boite(isolation)]
    return trouves[0]


def ajouter_organisme(cli, siret: str, raison_sociale: str = "Mairie de Lyon") -> None:  # type: ignore[no-untyped-def]
    r = cli(
        "organismes",
        "add",
        "--siret",
        siret,
        "--raison-sociale",
        raison_sociale,
        "--type",
        "employeur_public",
    )
    assert r.exit_code == 0, r.stderr


def designer(cli, siret: str, email: str, prenom: str = "Chloé", nom: str = "Bernard"):  # type: ignore[no-untyped-def]
    r = cli(
        "-o",
        "json",
        "organismes",
        "designate-admin",
        siret,
        "--nom",
        nom,
        "--prenom",
        prenom,
        "--email",
        email,
        "--telephone-fixe",
        "0472000000",
    )
    assert r.exit_code == 0, r.stderr
    return r


def ajouter_gestionnaire(cli, email: str, *, siret: str | None = SIRET_1, sortie: str = "json"):  # type: ignore[no-untyped-def]
    options = ("--organisme", siret) if siret else ()
    return cli(
        "-o",
        sortie,
        "gestionnaires",
        "add",
        *options,
        "--nom",
        "Lefèvre",
        "--prenom",
        "Héloïse",
        "--email",
        email,
        "--telephone-mobile",
        "0612345678",
    )


def connecter(cli, identifiant: str, mot_de_passe: str, nouveau: str | None = None):  # type: ignore[no-untyped-def]
    lignes_ = [mot_de_passe] + ([nouveau] if nouveau else [])
    return cli(
        "login", identifiant, "--password-stdin", "--accept-cgu", input="\n".join(lignes_) + "\n"
    )


def expiration_du_compte(url_base: str, identifiant: str) -> datetime:
    ((valeur,),) = lignes(
        url_base, "SELECT temporaire_expire_le FROM compte WHERE identifiant = :i", i=identifiant
    )
    resultat = instant(valeur)
    assert resultat is not None
    return resultat


# --- creation → e-mail -------------------------------------------------------------------------
def test_adding_a_gestionnaire_mails_its_temporary_password_and_prints_only_the_identifiant(
    cli, operateur, isolation, url_base
):
    ajouter_organisme(cli, SIRET_1)
    assert boite(isolation) == []  # an organisme alone sends nothing

    r = ajouter_gestionnaire(cli, "heloise.lefevre@example.fr")
    assert r.exit_code == 0, r.stderr
    identifiant = json_de(r)["identifiant"]

    (fichier,) = boite(isolation)
    assert stat.S_IMODE(fichier.stat().st_mode) == 0o600
    brut = fichier.read_bytes()
    message = lire_message(brut)
    assert message["To"] == "heloise.lefevre@example.fr"
    assert message["Subject"] == SUJET_CREATION
    assert message["From"].addresses[0].addr_spec == "ne-pas-repondre@moncompteformation.gouv.fr"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_charset() == "utf-8"
    corps = message.get_content()
    assert corps.startswith("Bonjour Héloïse Lefèvre,")
    assert "habilité(e) sur le portail gestionnaire du SI CPF (organisme Mairie de Lyon)" in corps
    temporaire = temporaire_de(message)
    assert TEMPORAIRE.fullmatch(temporaire)
    expire = expiration_du_compte(url_base, identifiant)
    assert (
        timedelta(days=7) - timedelta(minutes=1) < expire - datetime.now(UTC) <= timedelta(days=7)
    )
    assert (
        expire.astimezone(ZoneInfo("Europe/Paris")).strftime(
            "valable jusqu'au %d/%m/%Y à %H:%M (heure de Paris)"
        )
        in corps
    )
    assert f"Pour vous connecter : {URL_PORTAIL}" in corps
    # Two channels: the identifiant goes to the administrator, never into the e-mail…
    assert identifiant not in corps and identifiant.encode() not in brut
    assert identifiant.lower() not in corps.lower()
    # …and the temporary password to the account's mailbox, never to the administrator.
    assert temporaire not in r.stdout + r.stderr
    assert temporaire.replace("-", "") not in r.stdout + r.stderr

    # The password in the e-mail opens the first login, which asks for a new one.
    r = connecter(cli, identifiant, temporaire, MOT_DE_PASSE_GESTIONNAIRE)
    assert r.exit_code == 0, r.stderr
    assert temporaire not in r.stdout + r.stderr


def test_the_table_output_prints_the_identifiant_to_hand_over(cli, operateur, isolation, url_base):
    r = ajouter_gestionnaire(cli, "paul.durand@example.fr", siret=None, sortie="table")
    assert r.exit_code == 0, r.stderr
    (fichier,) = boite(isolation)
    temporaire = temporaire_de(lire_message(fichier.read_bytes()))
    ((identifiant,),) = lignes(
        url_base, "SELECT identifiant FROM compte WHERE email = 'paul.durand@example.fr'"
    )
    assert identifiant in r.stdout
    assert f"identifiant {identifiant}, à transmettre" in r.stderr
    assert "envoyé à paul.durand@example.fr" in r.stderr
    assert temporaire not in r.stdout + r.stderr


def test_designating_a_principal_admin_mails_its_temporary_password(
    cli, operateur, isolation, url_base
):
    ajouter_organisme(cli, SIRET_1, "Métropole de Lyon")
    r = designer(cli, SIRET_1, "chloe.bernard@example.fr")
    identifiant = json_de(r)["identifiant"]

    message = courriel_pour(isolation, "chloe.bernard@example.fr")
    corps = message.get_content()
    assert message["Subject"] == SUJET_CREATION
    assert corps.startswith("Bonjour Chloé Bernard,")
    assert "(organisme Métropole de Lyon)" in corps
    assert identifiant not in corps
    temporaire = temporaire_de(message)
    assert temporaire not in r.stdout + r.stderr
    expire = expiration_du_compte(url_base, identifiant)
    assert expire.astimezone(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y à %H:%M") in corps

    r = connecter(cli, identifiant, temporaire, MOT_DE_PASSE_ADMIN)
    assert r.exit_code == 0, r.stderr
    r = cli("-o", "json", "me")
    assert json_de(r)["identifiant"] == identifiant


def test_promoting_a_member_sends_no_password(cli, operateur, isolation):
    ajouter_organisme(cli, SIRET_1)
    identifiant = json_de(ajouter_gestionnaire(cli, "heloise@example.fr"))["identifiant"]
    assert len(boite(isolation)) == 1
    r = cli("organismes", "designate-admin", SIRET_1, "--identifiant", identifiant)
    assert r.exit_code == 0, r.stderr
    assert len(boite(isolation)) == 1


# --- the store after delivery ------------------------------------------------------------------
def test_a_delivered_message_keeps_the_marker_and_its_secret_is_purged(
    cli, operateur, isolation, url_base
):
    ajouter_organisme(cli, SIRET_1)
    identifiant = json_de(ajouter_gestionnaire(cli, "heloise@example.fr"))["identifiant"]
    temporaire = temporaire_de(courriel_pour(isolation, "heloise@example.fr"))

    (ligne,) = messages_en_base(url_base)
    assert ligne["statut"] == "envoye"
    assert ligne["secret"] is None
    assert ligne["tentatives"] == 1 and ligne["derniere_erreur"] is None
    assert ligne["envoye_le"] is not None
    assert ligne["destinataire"] == "heloise@example.fr" and ligne["sujet"] == SUJET_CREATION
    assert MARQUEUR_SECRET in ligne["corps"]
    assert temporaire not in ligne["corps"]
    assert identifiant not in ligne["corps"]
    # Nowhere in the store: not in the account, the audit, the outbox.
    tout = contenu_complet(url_base)
    assert temporaire not in tout
    assert temporaire.replace("-", "") not in tout


def test_a_refused_change_queues_no_message(cli, operateur, isolation, url_base):
    ajouter_organisme(cli, SIRET_1)
    assert ajouter_gestionnaire(cli, "heloise@example.fr").exit_code == 0
    r = ajouter_gestionnaire(cli, "HELOISE@example.fr")
    assert r.exit_code == 6, r.stderr
    assert len(messages_en_base(url_base)) == 1
    assert len(boite(isolation)) == 1


def test_the_mail_directory_and_portal_url_come_from_the_profile(
    cli, operateur, isolation, tmp_path
):
    dossier = tmp_path / "courriers sortants"
    configurer_courrier(
        isolation / "config.toml",
        transport="file",
        directory=str(dossier),
        portal_url="https://portail.example.fr/connexion",
        sender="SI CPF recette <recette@example.fr>",
    )
    ajouter_organisme(cli, SIRET_1)
    assert ajouter_gestionnaire(cli, "heloise@example.fr").exit_code == 0
    assert boite(isolation) == []
    (fichier,) = dossier.glob("*.eml")
    message = lire_message(fichier.read_bytes())
    assert "Pour vous connecter : https://portail.example.fr/connexion" in message.get_content()
    assert message["From"].addresses[0].addr_spec == "recette@example.fr"


def test_an_unwritable_mail_directory_is_a_warning_and_the_account_exists(
    cli, operateur, isolation, url_base, tmp_path, monkeypatch
):
    from cpfadmin.services import courrier

    # (the immediate retries' pauses, 0.5 s then 1 s, are pinned by the service tests)
    monkeypatch.setitem(courrier.livrer.__kwdefaults__, "pause", lambda _duree: None)
    obstacle = tmp_path / "pas-un-dossier"
    obstacle.write_text("un fichier, pas un dossier")
    configurer_courrier(isolation / "config.toml", directory=str(obstacle / "courrier"))
    ajouter_organisme(cli, SIRET_1)
    r = ajouter_gestionnaire(cli, "heloise@example.fr")
    assert r.exit_code == 0, r.stderr
    assert json_de(r)["identifiant"]
    (avertissement,) = [json.loads(ligne)["avertissement"] for ligne in r.stderr.splitlines()]
    assert "heloise@example.fr non remis" in avertissement["message"]
    assert "restent en file" in avertissement["message"]
    assert "cpfadmin outbox send" in avertissement["message"]
    assert "n'est pas un dossier" in avertissement["message"]  # the system's reason, in French
    (ligne,) = messages_en_base(url_base)
    assert ligne["statut"] == "en_attente" and ligne["tentatives"] == 1
    assert ligne["secret"] is not None
    assert "écriture impossible" in ligne["derniere_erreur"]
    assert ligne["secret"] not in r.stdout + r.stderr


# --- outbox list -------------------------------------------------------------------------------
CLES_LISTE = {
    "id",
    "identifiant",
    "destinataire",
    "sujet",
    "statut",
    "tentatives",
    "cree_le",
    "envoye_le",
    "prochaine_tentative_le",
    "derniere_erreur",
}


def _mettre_en_file(url_base: str, identifiant: str, secret: str) -> None:
    """Queue another temporary-password message for the account, without delivering it."""
    from cpfadmin.services import courrier

    with magasin(url_base) as fabrique, fabrique() as uow:
        compte = uow.comptes.par_identifiant(identifiant)
        organisme = uow.organismes.par_id(compte.organisme_id)
        courrier.mettre_en_file_temporaire(uow, compte, organisme, secret, URL_PORTAIL)
        uow.commit()


@pytest.mark.parametrize("sortie", ["table", "json", "csv"])
def test_outbox_list_shows_statuses_but_never_a_body_or_a_secret(
    cli, operateur, isolation, url_base, sortie
):
    ajouter_organisme(cli, SIRET_1)
    identifiant = json_de(ajouter_gestionnaire(cli, "heloise@example.fr"))["identifiant"]
    envoye = temporaire_de(courriel_pour(isolation, "heloise@example.fr"))
    en_attente = "abcde-fghjk-mnpqr-stuvw"
    _mettre_en_file(url_base, identifiant, en_attente)

    r = cli("-o", sortie, "outbox", "list")
    assert r.exit_code == 0, r.stderr
    sortie_complete = r.stdout + r.stderr
    for secret in (envoye, en_attente, MARQUEUR_SECRET, "Bonjour", "valable jusqu"):
        assert secret not in sortie_complete
    # a table reads the statuses with their accents; JSON and CSV keep the codes
    if sortie == "table":
        assert "envoyé" in r.stdout and "en attente" in r.stdout
    else:
        assert "envoye" in r.stdout and "en_attente" in r.stdout
    assert "heloise@example.fr" in r.stdout and identifiant in r.stdout
    if sortie == "json":
        liste = json_de(r)
        assert [m["statut"] for m in liste] == ["envoye", "en_attente"]
        assert all(set(m) == CLES_LISTE for m in liste)
        assert liste[0]["prochaine_tentative_le"] is None
        assert liste[1]["prochaine_tentative_le"] is not None
        assert liste[1]["envoye_le"] is None and liste[1]["tentatives"] == 0


def test_outbox_list_filters_by_status(cli, operateur, isolation, url_base):
    ajouter_organisme(cli, SIRET_1)
    identifiant = json_de(ajouter_gestionnaire(cli, "heloise@example.fr"))["identifiant"]
    _mettre_en_file(url_base, identifiant, "abcde-fghjk-mnpqr-stuvw")
    _mettre_en_file(url_base, identifiant, "bcdef-ghjkm-npqrs-tuvwx")  # supersedes the first
    statuts = {
        s: [m["id"] for m in json_de(cli("-o", "json", "outbox", "list", "--statut", s))]
        for s in ("envoye", "remplace", "en_attente")
    }
    assert statuts == {"envoye": [1], "remplace": [2], "en_attente": [3]}


def test_an_employer_admin_sees_and_sends_only_its_organisme_messages(
    cli, operateur, isolation, url_base
):
    ajouter_organisme(cli, SIRET_1, "Mairie de Lyon")
    ajouter_organisme(cli, SIRET_2, "Mairie de Nantes")
    admin_lyon = json_de(designer(cli, SIRET_1, "chloe@lyon.example.fr"))["identifiant"]
    designer(cli, SIRET_2, "marc@nantes.example.fr", prenom="Marc", nom="Petit")
    assert ajouter_gestionnaire(cli, "heloise@lyon.example.fr").exit_code == 0

    r = cli("-o", "json", "outbox", "list")
    assert {m["destinataire"] for m in json_de(r)} == {
        "chloe@lyon.example.fr",
        "marc@nantes.example.fr",
        "heloise@lyon.example.fr",
    }

    # A message of Nantes still queued: Lyon's administrator must neither see nor send it.
    ((nantes,),) = lignes(
        url_base, "SELECT identifiant FROM compte WHERE email = 'marc@nantes.example.fr'"
    )
    _mettre_en_file(url_base, nantes, "abcde-fghjk-mnpqr-stuvw")

    temporaire = temporaire_de(courriel_pour(isolation, "chloe@lyon.example.fr"))
    assert connecter(cli, admin_lyon, temporaire, MOT_DE_PASSE_ADMIN).exit_code == 0
    r = cli("-o", "json", "outbox", "list")
    assert r.exit_code == 0, r.stderr
    assert {m["destinataire"] for m in json_de(r)} == {
        "chloe@lyon.example.fr",
        "heloise@lyon.example.fr",
    }
    r = cli("-o", "json", "outbox", "send")
    assert r.exit_code == 0, r.stderr
    assert json_de(r) == {"envoyes": 0, "expires": 0, "echecs": [], "en_attente": 0}
    assert [m["statut"] for m in messages_en_base(url_base)][-1] == "en_attente"

    # Back as the operator: its send delivers every organisme's due messages.
    assert connecter(cli, operateur, MOT_DE_PASSE_ADMIN).exit_code == 0
    r = cli("-o", "json", "outbox", "send")
    assert r.exit_code == 0, r.stderr
    assert json_de(r)["envoyes"] == 1
    assert [m["statut"] for m in messages_en_base(url_base)][-1] == "envoye"


def test_a_gestionnaire_may_not_read_the_outbox(cli, operateur, isolation):
    ajouter_organisme(cli, SIRET_1)
    identifiant = json_de(ajouter_gestionnaire(cli, "heloise@example.fr"))["identifiant"]
    temporaire = temporaire_de(courriel_pour(isolation, "heloise@example.fr"))
    assert connecter(cli, identifiant, temporaire, MOT_DE_PASSE_GESTIONNAIRE).exit_code == 0
    for commande in ("list", "send"):
        r = cli("outbox", commande)
        assert r.exit_code == 4, r.stderr
        assert r.stderr.startswith("Erreur :") and "messages" in r.stderr
        assert r.stdout == ""


# --- outbox send -------------------------------------------------------------------------------
def test_outbox_send_with_nothing_due_succeeds_quietly(cli, operateur, isolation):
    r = cli("-o", "json", "outbox", "send")
    assert r.exit_code == 0, r.stderr
    assert json_de(r) == {"envoyes": 0, "expires": 0, "echecs": [], "en_attente": 0}
    r = cli("outbox", "send")
    assert r.exit_code == 0, r.stderr
    assert "Envoyés" in r.stdout and "En attente" in r.stdout


def test_outbox_send_delivers_a_queued_message_once(cli, operateur, isolation, url_base):
    ajouter_organisme(cli, SIRET_1)
    identifiant = json_de(ajouter_gestionnaire(cli, "heloise@example.fr"))["identifiant"]
    secret = "abcde-fghjk-mnpqr-stuvw"
    _mettre_en_file(url_base, identifiant, secret)
    r = cli("-o", "json", "outbox", "send")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["envoyes"] == 1
    assert secret not in r.stdout + r.stderr
    assert [temporaire_de(lire_message(f.read_bytes())) for f in boite(isolation)].count(
        secret
    ) == 1
    assert json.loads(cli("-o", "json", "outbox", "send").stdout)["envoyes"] == 0
    assert len(boite(isolation)) == 2
