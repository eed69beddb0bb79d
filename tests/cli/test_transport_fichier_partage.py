"""Issue 13, point 9: two channels, even with the default mail transport. ``file`` writes each
temporary password into the data directory of whoever runs the command: on a shared store
(PostgreSQL) a délégué renewing a gestionnaire's password would hold both the identifiant and
the password. There it is refused unless the store's policy admits it on purpose, and then
each command warns. The embedded single-person store keeps it as its default.

Through the installed CLI, on the test's store: the assertions follow the store of the pass."""

from __future__ import annotations

from tests.conftest import BACKEND
from tests.support.base import lignes
from tests.support.console import courriels
from tests.support.processus import cpfadmin, sans_trace

PARTAGEE = BACKEND == "postgresql"
REFUS = "n'est pas admis sur une base partagée"
AVERTISSEMENT = "rompt les deux canaux"


def _ajouter(jeton: str, adresse: str):  # type: ignore[no-untyped-def]
    return cpfadmin(
        "-o", "json", "gestionnaires", "add", "--nom", "Durand", "--prenom", "Paul",
        "--email", adresse, "--telephone-mobile", "06 11 22 33 44",
        env={"CPFADMIN_TOKEN": jeton}, brut=True,
    )  # fmt: skip


def _en_attente(url: str, adresse: str) -> int:
    return lignes(
        url,
        "SELECT COUNT(*) FROM message WHERE destinataire = :a AND statut = 'en_attente'",
        a=adresse,
    )[0][0]


def test_file_transport_without_the_policy_is_refused_on_a_shared_store(employeur):
    r = cpfadmin("politique", "set", "mail_file_transport_shared", "non",
                 env={"CPFADMIN_TOKEN": employeur.op})  # fmt: skip
    assert r.code == 0, r
    adresse = "paul.durand@lumiere.example"
    r = _ajouter(employeur.jeton_ap, adresse)
    # The account is created either way: the message waits, nothing is lost.
    assert r.code == 0, r
    assert r.json()["identifiant"]
    recus = [m for m in courriels() if m["To"] == adresse]
    if PARTAGEE:
        assert REFUS in r.stderr and "SMTP" in r.stderr
        assert recus == []  # no temporary password in the administrator's directory
        assert _en_attente(employeur.url, adresse) == 1
        r = cpfadmin("outbox", "send", env={"CPFADMIN_TOKEN": employeur.jeton_ap})
        assert r.code == 7, r
        assert REFUS in r.stderr
        sans_trace(r)
        assert _en_attente(employeur.url, adresse) == 1
    else:
        # One person's embedded store: the default transport delivers, without a word.
        assert REFUS not in r.stderr and AVERTISSEMENT not in r.stderr
        assert len(recus) == 1


def test_file_transport_admitted_on_purpose_warns_at_each_command(employeur):
    r = cpfadmin("politique", "set", "mail_file_transport_shared", "oui",
                 env={"CPFADMIN_TOKEN": employeur.op})  # fmt: skip
    assert r.code == 0, r
    for adresse in ("paul.durand@lumiere.example", "lea.petit@lumiere.example"):
        r = _ajouter(employeur.jeton_ap, adresse)
        assert r.code == 0, r
        assert (AVERTISSEMENT in r.stderr) is PARTAGEE, r
        assert [m["To"] for m in courriels() if m["To"] == adresse] == [adresse]
