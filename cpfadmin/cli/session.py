"""``cpfadmin login`` and ``cpfadmin logout``."""

import contextlib
from typing import Annotated

import typer

from cpfadmin.cli.context import contexte
from cpfadmin.cli.saisie import (
    confirmer,
    demander,
    demander_nouveau_mot_de_passe,
    demander_secret,
    lignes_stdin,
    signaler_erreur,
)

ESSAIS_NOUVEAU_MOT_DE_PASSE = 3


def login(
    identifiant: Annotated[
        str | None, typer.Argument(help="Votre identifiant (8 caractères).", show_default=False)
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Lire le mot de passe sur l'entrée standard (ligne 1) et, si un nouveau mot "
            "de passe est exigé, le nouveau (ligne 2).",
        ),
    ] = False,
    accept_cgu: Annotated[
        bool,
        typer.Option(
            "--accept-cgu", help="Accepter sans invite les conditions générales d'utilisation."
        ),
    ] = False,
) -> None:
    """Se connecter, en passant les étapes exigées (nouveau mot de passe, CGU).

    À la première connexion, avec le mot de passe temporaire reçu par e-mail, vous choisissez
    votre mot de passe puis acceptez les conditions générales d'utilisation.

    Exemple : printf '%s\\n%s\\n' "$TEMPORAIRE" "$NOUVEAU" | cpfadmin login ABCD2345
    --password-stdin --accept-cgu
    """
    ctx = contexte()
    connexion = ctx.app.connexion
    if ctx.interactif and not password_stdin:
        # while the person types: the store layer and the keyring; the console
        connexion.preparer()
        _precharger("rich.console")
    identifiant = identifiant or demander("Identifiant", option="l'argument IDENTIFIANT")
    nouveau: str | None = None
    if password_stdin:
        lignes = lignes_stdin(2)
        if not lignes or not lignes[0]:
            from cpfadmin.domain.errors import SaisieRequise

            raise SaisieRequise("Aucun mot de passe lu sur l'entrée standard.")
        mot_de_passe = lignes[0]
        nouveau = lignes[1] if len(lignes) > 1 and lignes[1] else None
    else:
        mot_de_passe = demander_secret("Mot de passe", option="--password-stdin")

    # while the password is checked (bcrypt, here or on the server): the keyring that will
    # keep the token, and what the answer is worded with
    ctx.coffre().prechauffer()
    _precharger("cpfadmin.cli.libelles", "cpfadmin.cli.output")
    etape = connexion.commencer(identifiant, mot_de_passe)
    from cpfadmin.domain.errors import CguNonAcceptees

    if etape["changement_requis"]:
        raison = (
            "Première connexion ou mot de passe renouvelé : vous devez personnaliser votre mot "
            "de passe."
            if etape["changement_requis"] == "temporaire"
            else "Votre mot de passe a expiré : choisissez-en un nouveau."
        )
        ctx.info(raison)
        if nouveau is None and not password_stdin:
            for ligne in etape["regles"]:
                ctx.info(f"  • {ligne}")
            nouveau = demander_nouveau_mot_de_passe(
                lambda candidat: connexion.verifier_nouveau(etape["jeton_etape"], candidat),
                essais=ESSAIS_NOUVEAU_MOT_DE_PASSE,
            )

    accepter, interruption = False, None
    cgu = etape["cgu"]
    if cgu is not None:
        if accept_cgu:
            accepter = True
        elif ctx.interactif:
            from typer import Abort

            try:
                _montrer_cgu(cgu)
                accepter = confirmer("Acceptez-vous les conditions générales d'utilisation ?")
            except (Abort, KeyboardInterrupt) as e:
                # Ctrl-C at the CGU is a refusal: the new password is saved all the same, and
                # the person is told so — then the run ends as interrupted (exit 130).
                interruption = e

    try:
        session = connexion.terminer(
            etape["jeton_etape"],
            nouveau_mot_de_passe=nouveau,
            cgu_acceptee=cgu["version"] if accepter and cgu else None,
        )
    except CguNonAcceptees as e:
        if interruption is None:
            raise
        import sys

        from typer import Abort

        if sys.stderr.isatty():
            sys.stderr.write("\n")  # the cursor is after the prompt
        from cpfadmin.cli.redaction import message, suggestion

        signaler_erreur(f"{message(e)} → {suggestion(e)}", code=3)
        fin = Abort()
        fin.ligne_neuve = True  # type: ignore[attr-defined]
        raise fin from interruption
    emplacement = ctx.coffre().enregistrer(session["identifiant"], session.pop("jeton"))
    if session["mot_de_passe_change"]:
        ctx.info("Votre mot de passe a été modifié.")
    if session["cgu_acceptee"]:
        ctx.info(
            f"Conditions générales d'utilisation (version {session['cgu_acceptee']}) acceptées."
        )
    from cpfadmin.cli.libelles import inactivite
    from cpfadmin.cli.output import heure_de_paris

    ctx.info(
        f"Connecté : {session['identifiant']}. Session valable jusqu'au "
        f"{heure_de_paris(session['session_expire_le'])}, close après "
        f"{inactivite(session['session_inactivite_minutes'])} ; jeton conservé dans le "
        f"{emplacement}."
    )
    if ctx.sortie == "json":
        ctx.afficher(
            {
                "identifiant": session["identifiant"],
                "session_expire_le": session["session_expire_le"],
                "mot_de_passe_change": session["mot_de_passe_change"],
                "cgu_acceptee": session["cgu_acceptee"],
                "stockage_jeton": emplacement,
            }
        )


def _montrer_cgu(cgu) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.panel import Panel

    Console(stderr=True).print(
        Panel(cgu["texte"], title=f"Conditions générales d'utilisation — version {cgu['version']}")
    )


def _precharger(*modules: str) -> None:
    """Import ``modules`` (the store layer is most of a login's start-up) in a background
    thread while the main one waits at a prompt; an import of the same module in the main
    thread waits for it to finish, so nothing is used half-loaded."""
    import importlib
    import threading

    def charger() -> None:
        # A failure is the main thread's to report, at its own import, through the boundary.
        for module in modules:
            with contextlib.suppress(Exception):
                importlib.import_module(module)

    threading.Thread(target=charger, name="cpfadmin-prechargement", daemon=True).start()


def logout(
    all_: Annotated[
        bool, typer.Option("--all", help="Terminer toutes les sessions de votre compte.")
    ] = False,
) -> None:
    """Se déconnecter : termine la session du compte actif (ou toutes les sessions de ce compte
    avec --all) et efface son jeton local ; les autres comptes connectés sur ce profil le
    restent.

    Exemple : cpfadmin logout --all
    """
    from cpfadmin.domain.errors import ErreurAuthentification, NonConnecte

    ctx = contexte()
    coffre = ctx.coffre()
    try:
        jeton = ctx.session()
        fin = ctx.app.connexion.deconnecter(jeton, toutes=all_)
    except ErreurAuthentification:
        if coffre.lire() is None:
            raise NonConnecte("Aucune session ouverte sur ce profil.") from None
        coffre.effacer()
        ctx.info("La session avait déjà pris fin ; le jeton local est effacé.")
        _autres_sessions(coffre)
        return
    n, identifiant = fin["sessions_terminees"], fin["identifiant"]
    if all_ or _est_conserve(coffre, identifiant, jeton):
        coffre.effacer(identifiant)
    ctx.info(f"Déconnecté ({n} session{'s' if n > 1 else ''} terminée{'s' if n > 1 else ''}).")
    autres = _autres_sessions(coffre)
    if ctx.sortie == "json":
        ctx.afficher({**fin, "autres_sessions": autres})


def _est_conserve(coffre, identifiant: str, jeton: str | None) -> bool:  # type: ignore[no-untyped-def]
    """Whether the session just ended is the one kept for ``identifiant`` (not the case when
    CPFADMIN_TOKEN named another session of the account)."""
    import os

    if not os.environ.get("CPFADMIN_TOKEN"):
        return True
    from cpfadmin.domain.errors import StockageIndisponible

    try:
        stocke = coffre.lire(identifiant)
    except StockageIndisponible:
        return False
    return stocke is not None and stocke.jeton == jeton


def _autres_sessions(coffre) -> list[str]:  # type: ignore[no-untyped-def]
    """Say which accounts stay logged in on this profile, and whether one is active."""
    autres = [s.identifiant for s in coffre.sessions()]
    if autres:
        actif = coffre.actif()
        suite = (
            f"compte actif : {actif}."
            if actif
            else f"aucune n'est active. → cpfadmin session switch {autres[0]}"
        )
        contexte().info(f"Sessions encore conservées sur ce profil : {', '.join(autres)} ; {suite}")
    return autres
