"""A store failure is said in French: the driver's English reasons are translated, an unknown
one is quoted as given (issue 7: no English text after the French prefix)."""

from __future__ import annotations

import sqlite3

import pytest

from cpfadmin.store.engine import raison_pilote


@pytest.mark.parametrize(
    ("message", "attendu"),
    [
        ("attempt to write a readonly database", "lecture seule"),
        ("file is not a database", "n'est pas une base SQLite"),
        ("database disk image is malformed", "endommagé"),
        ("unable to open database file", "impossible d'ouvrir le fichier"),
        ("disk I/O error", "entrée-sortie"),
        ("database or disk is full", "disque plein"),
        (
            'connection failed: connection to server at "127.0.0.1", port 5999 failed: '
            "Connection refused\n\tIs the server running on that host?",
            "connexion refusée",
        ),
        (
            'connection failed: connection to server on socket "/tmp/x/.s.PGSQL.5432" failed: '
            "No such file or directory",
            "socket du serveur introuvable",
        ),
        ("terminating connection due to administrator command", "mis fin à la connexion"),
        ("server closed the connection unexpectedly", "fermé la connexion"),
        ("consuming input failed: server closed the connection unexpectedly", "connexion"),
        ("the database system is shutting down", "s'arrête"),
        ('FATAL:  database "cpf" does not exist', "cette base n'existe pas"),
        ('FATAL:  role "cpf" does not exist', "cet utilisateur n'existe pas"),
        ('FATAL:  password authentication failed for user "cpf"', "authentification refusée"),
    ],
)
def test_known_driver_reasons_are_said_in_french(message, attendu):
    raison = raison_pilote(sqlite3.OperationalError(message))
    assert attendu in raison
    assert "erreur du pilote" not in raison
    assert not any(mot in raison for mot in ("failed", "database file", "server", "error"))


def test_an_unknown_reason_is_quoted_as_the_driver_gave_it_on_one_line():
    raison = raison_pilote(sqlite3.OperationalError("something odd happened\nsecond line"))
    assert raison == "erreur du pilote : « something odd happened »"


def test_the_wrapped_driver_error_is_read_through_sqlalchemy():
    from sqlalchemy.exc import OperationalError

    enveloppe = OperationalError("SELECT 1", {}, sqlite3.OperationalError("disk I/O error"))
    assert raison_pilote(enveloppe) == "erreur d'entrée-sortie sur le disque"


def test_system_errors_are_said_in_french(tmp_path):
    import errno
    import socket

    from cpfadmin.domain.errors import raison_systeme

    fichier = tmp_path / "fichier"
    fichier.write_text("x")
    with pytest.raises(NotADirectoryError) as e:
        (fichier / "dessous").mkdir()
    assert raison_systeme(e.value) == "un élément du chemin n'est pas un dossier"
    assert raison_systeme(PermissionError(errno.EACCES, "Permission denied")) == (
        "permission refusée"
    )
    assert raison_systeme(OSError(errno.ENOSPC, "No space left on device")) == "disque plein"
    assert raison_systeme(ConnectionRefusedError(errno.ECONNREFUSED, "x")) == "connexion refusée"
    assert raison_systeme(socket.gaierror(-2, "Name or service not known")) == "nom d'hôte inconnu"
    assert raison_systeme(TimeoutError()) == "délai dépassé"
    # an unknown errno: the system's text rather than nothing
    assert raison_systeme(OSError(errno.EXDEV, "Invalid cross-device link")) == (
        "Invalid cross-device link"
    )
