"""The outbox service with the test clock: queueing in the caller's transaction, delivery and
purge of the secret, immediate retries, back-off, giving up, expiry with the temporary
password, superseded messages, claims that keep two senders from sending one message twice,
and the organisme scope of an administrator's delivery."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from cpfadmin.adapters.mail import Envoi, ErreurTransport, TransportFichier, TransportSmtp
from cpfadmin.domain import messages
from cpfadmin.domain.roles import Role, TypeOrganisme
from cpfadmin.services import courrier
from cpfadmin.services.comptes import creer_compte
from cpfadmin.store.models import Compte, Message, Organisme
from cpfadmin.store.uow import executer
from tests.services.helpers import donnees, initialiser_base
from tests.support.smtp import ServeurSmtp, lire_message, temporaire_de

EXPEDITEUR = "SI CPF <ne-pas-repondre@moncompteformation.gouv.fr>"
URL = "https://portail.example.fr/connexion"


def sans_pause(_: float) -> None:
    pass


@pytest.fixture
def base(uow, politiques):  # type: ignore[no-untyped-def]
    initialiser_base(uow, politiques)
    return uow


def organisme(uow, siret: str = "73282932000074") -> int:  # type: ignore[no-untyped-def]
    with uow() as u:
        o = u.organismes.ajouter(
            Organisme(
                siret=siret,
                raison_sociale="Mairie de Lyon",
                type=TypeOrganisme.EMPLOYEUR_PUBLIC.value,
                statut="actif",
                cree_le=u.maintenant(),
            )
        )
        u.commit()
        return int(o.id)  # type: ignore[arg-type]


def habiliter(uow, politiques, organisme_id: int, prenom: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Create an account and queue its temporary password, as ``gestionnaires add`` does;
    returns (identifiant, temporary password)."""
    with uow() as u:
        o = u.organismes.par_id(organisme_id)
        compte, temporaire = creer_compte(
            u,
            o,
            donnees("Durand", prenom, f"{prenom.lower()}@example.fr"),
            Role.GESTIONNAIRE,
            politiques,
        )
        u.session.flush()
        courrier.mettre_en_file_temporaire(u, compte, o, temporaire, URL)
        u.commit()
        return compte.identifiant, temporaire


def rangees(uow) -> list[Message]:  # type: ignore[no-untyped-def]
    with uow() as u:
        return list(u.session.exec(select(Message).order_by(Message.id)))


def fichiers(dossier: Path) -> list[Path]:
    return sorted(dossier.glob("*.eml")) if dossier.exists() else []


def transport_en_panne(tmp_path: Path) -> TransportFichier:
    """A real file transport that cannot write: its directory lies under a regular file."""
    obstacle = tmp_path / "obstacle"
    obstacle.write_text("pas un dossier")
    return TransportFichier(obstacle / "courrier")


# --- queueing ----------------------------------------------------------------------------------
def test_the_message_is_queued_in_the_caller_transaction(base, politiques):
    o = organisme(base)
    with base() as u:
        org = u.organismes.par_id(o)
        compte, temporaire = creer_compte(u, org, donnees(), Role.GESTIONNAIRE, politiques)
        u.session.flush()
        courrier.mettre_en_file_temporaire(u, compte, org, temporaire, URL)
        # no commit: the account and its message go together
    assert rangees(base) == []
    with base() as u:
        assert u.session.exec(select(Compte).where(Compte.organisme_id == o)).all() == []


def test_the_queued_message_holds_a_marker_and_the_secret_apart(base, politiques, horloge):
    o = organisme(base)
    identifiant, temporaire = habiliter(base, politiques, o, "Alice")
    (m,) = rangees(base)
    assert m.statut == "en_attente" and m.tentatives == 0
    assert m.secret == temporaire
    assert messages.MARQUEUR_SECRET in m.corps and temporaire not in m.corps
    assert identifiant not in m.corps
    assert m.prochaine_tentative_le == horloge.instant
    assert m.expire_le == horloge.instant + timedelta(days=7)
    assert m.destinataire == "alice@example.fr"


# --- delivery ----------------------------------------------------------------------------------
def test_delivery_writes_the_secret_to_the_mail_and_purges_it_from_the_store(
    base, politiques, horloge, tmp_path
):
    o = organisme(base)
    _, temporaire = habiliter(base, politiques, o, "Alice")
    dossier = tmp_path / "courrier"
    rapport = courrier.livrer(base, TransportFichier(dossier), EXPEDITEUR, pause=sans_pause)
    assert rapport.en_dict() == {"envoyes": 1, "expires": 0, "echecs": [], "en_attente": 0}

    (fichier,) = fichiers(dossier)
    message = lire_message(fichier.read_bytes())
    assert temporaire_de(message) == temporaire
    assert messages.MARQUEUR_SECRET not in message.get_content()
    (m,) = rangees(base)
    assert (m.statut, m.secret, m.tentatives) == ("envoye", None, 1)
    assert m.envoye_le == horloge.instant
    assert messages.MARQUEUR_SECRET in m.corps and temporaire not in m.corps

    # Delivered once: a second run has nothing to do.
    assert courrier.livrer(base, TransportFichier(dossier), EXPEDITEUR).envoyes == 0
    assert len(fichiers(dossier)) == 1


def test_a_transport_failing_once_is_retried_at_once_in_the_same_run(base, politiques):
    class UnEchecPuisSucces:
        description = "essai"

        def __init__(self) -> None:
            self.appels: list[str] = []
            self.ferme = False

        def envoyer(self, envoi: Envoi) -> None:
            self.appels.append(envoi.destinataire)
            if len(self.appels) == 1:
                raise ErreurTransport("coupure passagère")

        def fermer(self) -> None:
            self.ferme = True

    o = organisme(base)
    habiliter(base, politiques, o, "Alice")
    transport, pauses = UnEchecPuisSucces(), []
    rapport = courrier.livrer(base, transport, EXPEDITEUR, pause=pauses.append)
    assert (rapport.envoyes, rapport.echecs) == (1, [])
    assert transport.appels == ["alice@example.fr", "alice@example.fr"]
    assert pauses == [0.5]
    assert transport.ferme
    (m,) = rangees(base)
    assert (m.statut, m.tentatives, m.secret, m.derniere_erreur) == ("envoye", 1, None, None)


def test_a_persistent_failure_stops_the_run_and_leaves_the_other_messages_due(
    base, politiques, horloge, tmp_path
):
    o = organisme(base)
    habiliter(base, politiques, o, "Alice")
    habiliter(base, politiques, o, "Bruno")
    pauses: list[float] = []
    rapport = courrier.livrer(base, transport_en_panne(tmp_path), EXPEDITEUR, pause=pauses.append)
    assert pauses == [0.5, 1.0]  # three attempts at once, then give up for this run
    assert rapport.envoyes == 0 and rapport.restants == 2
    ((_, destinataire, erreur),) = rapport.echecs
    assert destinataire == "alice@example.fr" and "écriture impossible" in erreur
    premier, second = rangees(base)
    assert (premier.statut, premier.tentatives) == ("en_attente", 1)
    assert premier.prochaine_tentative_le == horloge.instant + timedelta(minutes=1)
    assert "écriture impossible" in (premier.derniere_erreur or "")
    assert premier.secret is not None
    # The next one was not tried: no attempt counted, due at once for the next run.
    assert (second.statut, second.tentatives, second.derniere_erreur) == ("en_attente", 0, None)
    assert second.prochaine_tentative_le == horloge.instant


def test_back_off_delays_grow_from_one_minute_to_one_hour():
    delais = [messages.delai_nouvel_essai(n) for n in range(1, messages.TENTATIVES_MAX + 1)]
    assert delais[:7] == [60, 120, 240, 480, 960, 1920, 3600]
    assert set(delais[6:]) == {3600}
    assert delais == sorted(delais)


def test_retries_follow_the_back_off_then_give_up_and_purge_the_secret(
    base, politiques, horloge, tmp_path
):
    o = organisme(base)
    habiliter(base, politiques, o, "Alice")
    en_panne = transport_en_panne(tmp_path)
    for tentative in range(1, messages.TENTATIVES_MAX + 1):
        rapport = courrier.livrer(base, en_panne, EXPEDITEUR, pause=sans_pause)
        assert len(rapport.echecs) == 1, tentative
        (m,) = rangees(base)
        assert m.tentatives == tentative
        if tentative < messages.TENTATIVES_MAX:
            attente = timedelta(seconds=min(60 * 2 ** (tentative - 1), 3600))
            assert m.statut == "en_attente" and m.secret is not None
            assert m.prochaine_tentative_le == horloge.instant + attente
            # Not due a second earlier…
            horloge.avancer(seconds=attente.total_seconds() - 1)
            assert courrier.livrer(base, en_panne, EXPEDITEUR, pause=sans_pause).echecs == []
            assert rangees(base)[0].tentatives == tentative
            # …due at the minute.
            horloge.avancer(seconds=1)
    (m,) = rangees(base)
    assert (m.statut, m.secret, m.tentatives) == ("echec", None, messages.TENTATIVES_MAX)
    assert m.derniere_erreur
    # Given up: no more attempts, even once the server is back.
    horloge.avancer(hours=2)
    dossier = tmp_path / "courrier"
    rapport = courrier.livrer(base, TransportFichier(dossier), EXPEDITEUR)
    assert (rapport.envoyes, rapport.restants) == (0, 0)
    assert fichiers(dossier) == []


# --- expiry and superseded messages -------------------------------------------------------------
def test_an_undelivered_message_expires_with_its_temporary_password(
    base, politiques, horloge, tmp_path
):
    o = organisme(base)
    habiliter(base, politiques, o, "Alice")
    horloge.avancer(days=7, seconds=1)
    dossier = tmp_path / "courrier"
    rapport = courrier.livrer(base, TransportFichier(dossier), EXPEDITEUR)
    assert (rapport.envoyes, rapport.expires, rapport.restants) == (0, 1, 0)
    (m,) = rangees(base)
    assert (m.statut, m.secret, m.envoye_le) == ("expire", None, None)
    assert fichiers(dossier) == []


def test_a_message_still_valid_a_second_before_expiry_is_sent(base, politiques, horloge, tmp_path):
    o = organisme(base)
    habiliter(base, politiques, o, "Alice")
    horloge.avancer(days=7, seconds=-1)
    rapport = courrier.livrer(base, TransportFichier(tmp_path / "courrier"), EXPEDITEUR)
    assert (rapport.envoyes, rapport.expires) == (1, 0)


def test_a_new_temporary_password_supersedes_the_pending_message(
    base, politiques, horloge, tmp_path
):
    o = organisme(base)
    identifiant, premier_secret = habiliter(base, politiques, o, "Alice")
    with base() as u:
        compte = u.comptes.par_identifiant(identifiant)
        courrier.mettre_en_file_temporaire(
            u, compte, u.organismes.par_id(o), "bcdef-ghjkm-npqrs-tuvwx", URL, renouvellement=True
        )
        u.commit()
    ancien, nouveau = rangees(base)
    assert (ancien.statut, ancien.secret) == ("remplace", None)
    assert (nouveau.statut, nouveau.secret) == ("en_attente", "bcdef-ghjkm-npqrs-tuvwx")

    dossier = tmp_path / "courrier"
    assert courrier.livrer(base, TransportFichier(dossier), EXPEDITEUR).envoyes == 1
    (fichier,) = fichiers(dossier)
    message = lire_message(fichier.read_bytes())
    assert temporaire_de(message) == "bcdef-ghjkm-npqrs-tuvwx"
    assert premier_secret not in fichier.read_text()
    assert message["Subject"] == "SI CPF – Renouvellement de votre mot de passe"
    assert [m.statut for m in rangees(base)] == ["remplace", "envoye"]


def test_a_delivered_message_is_not_superseded(base, politiques, tmp_path):
    o = organisme(base)
    identifiant, _ = habiliter(base, politiques, o, "Alice")
    courrier.livrer(base, TransportFichier(tmp_path / "courrier"), EXPEDITEUR)
    with base() as u:
        compte = u.comptes.par_identifiant(identifiant)
        courrier.mettre_en_file_temporaire(
            u, compte, u.organismes.par_id(o), "bcdef-ghjkm-npqrs-tuvwx", URL, renouvellement=True
        )
        u.commit()
    assert [m.statut for m in rangees(base)] == ["envoye", "en_attente"]


def test_other_accounts_pending_messages_are_not_superseded(base, politiques):
    o = organisme(base)
    habiliter(base, politiques, o, "Alice")
    habiliter(base, politiques, o, "Bruno")
    assert [m.statut for m in rangees(base)] == ["en_attente", "en_attente"]


def test_a_pending_notice_of_an_address_change_outlives_a_new_temporary_password(
    base, politiques, tmp_path
):
    """The notice carries no secret: a renewal queued before its delivery must not drop it."""
    o = organisme(base)
    identifiant, _ = habiliter(base, politiques, o, "Alice")
    courrier.livrer(base, TransportFichier(tmp_path / "courrier"), EXPEDITEUR)
    with base() as u:
        compte = u.comptes.par_identifiant(identifiant)
        compte.email = "alice@ailleurs.example"
        courrier.mettre_en_file_avis_email(u, compte, u.organismes.par_id(o), "alice@example.fr")
        courrier.mettre_en_file_temporaire(
            u, compte, u.organismes.par_id(o), "bcdef-ghjkm-npqrs-tuvwx", URL, renouvellement=True
        )
        u.commit()
    assert [m.statut for m in rangees(base)] == ["envoye", "en_attente", "en_attente"]
    avis = rangees(base)[1]
    assert (avis.destinataire, avis.secret, avis.expire_le) == ("alice@example.fr", None, None)


def test_an_account_delivery_sends_only_that_account_messages(base, politiques, tmp_path):
    o = organisme(base)
    habiliter(base, politiques, o, "Alice")
    bruno, _ = habiliter(base, politiques, o, "Bruno")
    with base() as u:
        compte_id = u.comptes.par_identifiant(bruno).id
    dossier = tmp_path / "courrier"
    rapport = courrier.livrer(base, TransportFichier(dossier), EXPEDITEUR, compte_id=compte_id)
    assert (rapport.envoyes, rapport.restants) == (1, 0)
    (fichier,) = fichiers(dossier)
    assert lire_message(fichier.read_bytes())["To"] == "bruno@example.fr"
    assert [m.statut for m in rangees(base)] == ["en_attente", "envoye"]


# --- claims and concurrency --------------------------------------------------------------------
def test_a_claimed_message_is_not_handed_to_a_second_sender(base, politiques, horloge, tmp_path):
    o = organisme(base)
    habiliter(base, politiques, o, "Alice")
    premier = executer(base, lambda uow: courrier._reserver(uow, None, EXPEDITEUR))
    second = executer(base, lambda uow: courrier._reserver(uow, None, EXPEDITEUR))
    assert [e.destinataire for _, e in premier.envois] == ["alice@example.fr"]
    assert second.envois == []
    (m,) = rangees(base)
    assert m.prochaine_tentative_le == horloge.instant + courrier.BAIL

    # The first sender died before recording anything: the message waits out the claim, then
    # the next run delivers it (at least once).
    dossier = tmp_path / "courrier"
    horloge.avancer(seconds=courrier.BAIL.total_seconds() - 1)
    assert courrier.livrer(base, TransportFichier(dossier), EXPEDITEUR).envoyes == 0
    horloge.avancer(seconds=1)
    assert courrier.livrer(base, TransportFichier(dossier), EXPEDITEUR).envoyes == 1
    assert len(fichiers(dossier)) == 1


def test_two_concurrent_senders_never_send_a_message_twice(base, politiques, monkeypatch):
    # One message per claim, so that the two senders interleave their claims and sends.
    monkeypatch.setattr(courrier, "LOT", 1)
    o = organisme(base)
    prenoms = ["Alice", "Bruno", "Chloe", "David", "Emma", "Farid"]
    for prenom in prenoms:
        habiliter(base, politiques, o, prenom)

    with ServeurSmtp(delai=0.05) as serveur:
        depart = threading.Barrier(2)
        rapports: list[courrier.RapportLivraison] = []
        erreurs: list[BaseException] = []

        def expedier() -> None:
            try:
                depart.wait(timeout=10)
                transport = TransportSmtp("127.0.0.1", serveur.port, delai=10)
                rapports.append(courrier.livrer(base, transport, EXPEDITEUR, pause=sans_pause))
            except BaseException as e:
                erreurs.append(e)

        fils = [threading.Thread(target=expedier) for _ in range(2)]
        for f in fils:
            f.start()
        for f in fils:
            f.join(timeout=30)
        assert erreurs == []

    destinataires = sorted(d for r in serveur.recus for d in r.destinataires)
    assert destinataires == sorted(f"{p.lower()}@example.fr" for p in prenoms)
    assert len({r.message["Message-ID"] for r in serveur.recus}) == len(prenoms)
    assert sum(r.envoyes for r in rapports) == len(prenoms)
    assert {m.statut for m in rangees(base)} == {"envoye"}


# --- scope ---------------------------------------------------------------------------------------
def test_an_organisme_delivery_sends_only_that_organisme_messages(
    base, politiques, horloge, tmp_path
):
    lyon = organisme(base, "73282932000074")
    nantes = organisme(base, "55208131766001")
    habiliter(base, politiques, lyon, "Alice")
    habiliter(base, politiques, nantes, "Bruno")
    dossier = tmp_path / "courrier"
    rapport = courrier.livrer(base, TransportFichier(dossier), EXPEDITEUR, organisme_id=lyon)
    assert (rapport.envoyes, rapport.restants) == (1, 0)
    (fichier,) = fichiers(dossier)
    assert lire_message(fichier.read_bytes())["To"] == "alice@example.fr"
    assert [m.statut for m in rangees(base)] == ["envoye", "en_attente"]

    # Expiry, too, stays within the organisme's scope.
    horloge.avancer(days=8)
    rapport = courrier.livrer(base, TransportFichier(dossier), EXPEDITEUR, organisme_id=lyon)
    assert rapport.expires == 0
    assert rangees(base)[1].statut == "en_attente"
    assert courrier.livrer(base, TransportFichier(dossier), EXPEDITEUR).expires == 1
