"""Passwords and Ctrl-C at a real terminal (issue 11, points 9 and 10): the installed entry point
under a pseudo terminal (``tests.support.terminal``), answers typed when a prompt appears."""

from __future__ import annotations

import re

import pytest

from tests.conftest import MOT_DE_PASSE_ADMIN
from tests.support.terminal import Terminal

pytestmark = pytest.mark.sqlite_only  # the subprocess finds the store through CPFADMIN_HOME

# A hidden prompt: the trailing space comes from getpass, once echo is off (typing is safe).
SECRET = r"{}: $"
CGU = r"\[o/N\]: ?$"


def _jeton(identifiant: str) -> dict[str, str]:
    """The in-process login kept its token in the test's memory keyring: hand it over."""
    import keyring

    jeton = keyring.get_password("cpfadmin", f"default:{identifiant}")
    assert jeton
    return {"CPFADMIN_TOKEN": jeton}


def _lignes(ecran: str) -> list[str]:
    return ecran.splitlines()


def _jusqu_au_nouveau(terminal: Terminal, temporaire: str) -> None:
    terminal.attendre(SECRET.format("Mot de passe"))
    terminal.taper(temporaire + "\n")
    terminal.attendre(SECRET.format("Nouveau mot de passe"))


def test_the_policy_is_checked_at_the_first_entry_and_a_mismatch_is_said_in_french(initialise):
    identifiant, temporaire = initialise
    terminal = Terminal(["login", identifiant])
    _jusqu_au_nouveau(terminal, temporaire)

    terminal.taper("trop-court\n")  # rejected before any confirmation is asked
    ecran = terminal.attendre(r"Erreur : .*trop court(.|\n)*Nouveau mot de passe: $")
    assert "Confirmez" not in ecran
    assert "Avertissement" not in ecran

    terminal.taper(MOT_DE_PASSE_ADMIN + "\n")
    terminal.attendre(SECRET.format("Confirmez le nouveau mot de passe"))
    terminal.taper("Pas-La-Meme-Phrase-2026!\n")
    ecran = terminal.attendre(
        r"Erreur : Les deux saisies du nouveau mot de passe sont différentes\. Recommencez\."
        r"(.|\n)*Nouveau mot de passe: $"
    )
    assert "do not match" not in ecran

    terminal.taper(MOT_DE_PASSE_ADMIN + "\n")
    terminal.attendre(SECRET.format("Confirmez le nouveau mot de passe"))
    terminal.taper(MOT_DE_PASSE_ADMIN + "\n")
    terminal.attendre(CGU)
    terminal.taper("o\n")
    assert terminal.fin() == 0, terminal.lu
    assert f"Connecté : {identifiant}" in terminal.lu
    assert MOT_DE_PASSE_ADMIN not in terminal.lu and temporaire not in terminal.lu


def test_refusing_the_cgu_says_the_password_is_saved_and_the_exact_command(initialise):
    identifiant, temporaire = initialise
    terminal = Terminal(["login", identifiant])
    _jusqu_au_nouveau(terminal, temporaire)
    terminal.taper(MOT_DE_PASSE_ADMIN + "\n")
    terminal.attendre(SECRET.format("Confirmez le nouveau mot de passe"))
    terminal.taper(MOT_DE_PASSE_ADMIN + "\n")
    terminal.attendre(CGU)
    terminal.taper("n\n")
    assert terminal.fin() == 3, terminal.lu
    assert "nouveau mot de passe est enregistré" in terminal.lu
    assert "le mot de passe temporaire ne fonctionne plus" in terminal.lu
    assert f"cpfadmin login {identifiant} --accept-cgu" in terminal.lu


def test_ctrl_c_at_the_cgu_is_a_refusal_with_the_same_message_on_a_new_line(initialise):
    identifiant, temporaire = initialise
    terminal = Terminal(["login", identifiant])
    _jusqu_au_nouveau(terminal, temporaire)
    terminal.taper(MOT_DE_PASSE_ADMIN + "\n")
    terminal.attendre(SECRET.format("Confirmez le nouveau mot de passe"))
    terminal.taper(MOT_DE_PASSE_ADMIN + "\n")
    terminal.attendre(CGU)
    terminal.interrompre()
    assert terminal.fin() == 130, terminal.lu
    lignes = _lignes(terminal.lu)
    message = next(i for i, ligne in enumerate(lignes) if "nouveau mot de passe est" in ligne)
    assert lignes[message].startswith("Erreur : Conditions générales")
    assert f"cpfadmin login {identifiant} --accept-cgu" in lignes[message]
    assert lignes[message - 1].rstrip().endswith("[o/N]:")
    assert lignes[-1] == "Erreur : Interrompu."
    # The new password was saved: it opens the account (the CGU still to accept).
    fin = Terminal(["login", identifiant, "--accept-cgu"])
    fin.attendre(SECRET.format("Mot de passe"))
    fin.taper(MOT_DE_PASSE_ADMIN + "\n")
    assert fin.fin() == 0, fin.lu


@pytest.mark.parametrize(
    ("args", "invite", "cachee"),
    [
        (["login"], r"Identifiant: ?$", False),
        (["login", "ABCD2345"], SECRET.format("Mot de passe"), True),
    ],
    ids=["invite visible", "invite masquée"],
)
def test_ctrl_c_at_a_prompt_says_interrompu_on_a_line_of_its_own(initialise, args, invite, cachee):
    terminal = Terminal(args)
    terminal.attendre(invite)
    terminal.interrompre()
    assert terminal.fin() == 130, terminal.lu
    lignes = _lignes(terminal.lu)
    assert lignes[-1] == "Erreur : Interrompu."
    assert lignes[-2].strip(), "une ligne vide avant le message"
    assert re.search(r"(Identifiant|Mot de passe):\s*$", lignes[-2])


def test_password_change_checks_the_current_password_before_asking_a_new_one(operateur):
    terminal = Terminal(["password", "change"], env=_jeton(operateur))
    terminal.attendre(SECRET.format("Mot de passe actuel"))
    terminal.taper("Pas-Le-Bon-Mot-De-Passe-1!\n")
    assert terminal.fin() == 3, terminal.lu
    assert "Mot de passe actuel incorrect" in terminal.lu
    assert "Nouveau mot de passe" not in terminal.lu


def test_password_change_at_a_terminal_rejects_a_weak_one_as_an_error_of_the_step(operateur):
    terminal = Terminal(["password", "change"], env=_jeton(operateur))
    terminal.attendre(SECRET.format("Mot de passe actuel"))
    terminal.taper(MOT_DE_PASSE_ADMIN + "\n")
    terminal.attendre(SECRET.format("Nouveau mot de passe"))
    terminal.taper(MOT_DE_PASSE_ADMIN + "\n")  # one of the last five
    terminal.attendre(r"Erreur : .*derniers(.|\n)*Nouveau mot de passe: $")
    terminal.taper("Une-Autre-Phrase-Solide-2027!\n")
    terminal.attendre(SECRET.format("Confirmez le nouveau mot de passe"))
    terminal.taper("Une-Autre-Phrase-Solide-2027!\n")
    assert terminal.fin() == 0, terminal.lu
    assert "Mot de passe modifié" in terminal.lu
