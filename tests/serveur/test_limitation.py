"""The per-address throttle of the server (SPEC §8): a sprayer from one address is slowed
down before he has tried many passwords, nobody's account is locked by his tries, every
instance sees the same count (it is kept in the store), and the CLI says how long to wait."""

from __future__ import annotations

from tests.support.base import executer, lignes
from tests.support.console import MOT_DE_PASSE_ADMIN
from tests.support.serveur import demarrer

SEUIL = 5  # the lowest the policy admits


def _essayer(serveur, identifiant, mot_de_passe="Mauvais-2026!"):
    return serveur.requete(
        "POST", "/api/v1/connexion", {"identifiant": identifiant, "mot_de_passe": mot_de_passe}
    )


def test_spraying_from_one_address_is_throttled_without_locking_anyone(
    operateur, locale, distant, serveur, url_base, tmp_path
):
    op = locale.connecter(operateur, MOT_DE_PASSE_ADMIN)
    locale.ok("politique", "set", "source_throttle_failures", str(SEUIL), jeton=op)
    cibles = [f"ZZZZ{n:04d}" for n in range(2, 2 + SEUIL)]
    for cible in cibles:
        statut, _, corps = _essayer(serveur, cible)
        assert statut == 401 and corps["erreur"]["type"] == "IdentifiantsInvalides"
    # the next try is refused before any password is checked, even the right one
    statut, entetes, corps = _essayer(serveur, operateur, MOT_DE_PASSE_ADMIN)
    assert statut == 429
    attente = int(entetes["retry-after"])
    assert 0 < attente <= 15 * 60
    assert corps["erreur"]["code"] == 3 and corps["erreur"]["retry_after"] == attente
    # the CLI: exit 3, the wait in French
    r = distant("login", operateur, "--password-stdin", input=f"{MOT_DE_PASSE_ADMIN}\n")
    assert r.exit_code == 3
    assert "réessayez dans" in r.stderr and "minute" in r.stderr
    # another instance on the same store sees the same count
    autre = demarrer(tmp_path)
    try:
        assert _essayer(autre, operateur, MOT_DE_PASSE_ADMIN)[0] == 429
    finally:
        autre.arreter()
    # nobody was locked by the spraying: the operator's own count did not move
    (echecs, verrou), = lignes(
        url_base,
        "SELECT echecs_consecutifs, verrouille_jusqua FROM compte WHERE identifiant = :i",
        i=operateur,
    )  # fmt: skip
    assert echecs == 0 and verrou is None
    # once the window has passed (its count forgotten in the store rather than waited for),
    # the right password opens a session again
    executer(url_base, "DELETE FROM limitation_source")
    distant.ok("login", operateur, "--password-stdin", input=f"{MOT_DE_PASSE_ADMIN}\n")


def test_the_local_cli_has_no_address_to_throttle(operateur, locale, url_base):
    # Whoever holds the store bypasses any throttle; the local CLI counts nothing per address.
    for _ in range(3):
        assert locale("login", "ZZZZ2345", "--password-stdin", input="x\n").exit_code == 3
    assert lignes(url_base, "SELECT COUNT(*) FROM limitation_source") == [(0,)]
