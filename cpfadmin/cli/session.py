"""``cpfadmin login`` and ``cpfadmin logout``."""

import contextlib
from typing import Annotated

import typer

from cpfadmin.cli.context import contexte
from cpfadmin.cli.saisie import confirmer, demander, demander_secret, lignes_stdin

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
    if ctx.interactif and not password_stdin:
        # while the person types: the store layer, the keyring, the console
        _precharger("cpfadmin.services.auth", "keyring", "rich.console")
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

    politiques = ctx.profil.politiques
    from cpfadmin.services.anticipation import anticiper_connexion

    anticiper_connexion(ctx.profil.url_base, identifiant, mot_de_passe, politiques.bcrypt_cost)
    # Imported only now: loading the store layer overlaps the anticipated bcrypt verification.
    from cpfadmin.domain.errors import MotDePasseNonConforme
    from cpfadmin.services import auth

    defi = ctx.executer(
        lambda uow: auth.commencer_connexion(uow, identifiant, mot_de_passe, politiques)
    )

    if defi.changement_requis:
        raison = (
            "Première connexion ou mot de passe renouvelé : vous devez personnaliser votre mot "
            "de passe."
            if defi.changement_requis == "temporaire"
            else "Votre mot de passe a expiré : choisissez-en un nouveau."
        )
        ctx.info(raison)
        if nouveau is None and not password_stdin:
            for ligne in defi.politique.description:
                ctx.info(f"  • {ligne}")
            for essai in range(ESSAIS_NOUVEAU_MOT_DE_PASSE):
                candidat = demander_secret("Nouveau mot de passe", confirmer=True)
                try:
                    ctx.executer(
                        lambda uow, c=candidat: auth.verifier_nouveau_pour_defi(
                            uow, defi, c, politiques
                        ),
                        lecture=True,
                    )
                    nouveau = candidat
                    break
                except MotDePasseNonConforme as e:
                    if essai == ESSAIS_NOUVEAU_MOT_DE_PASSE - 1:
                        raise
                    ctx.avertir(e.message)

    accepter = False
    if defi.cgu is not None:
        if accept_cgu:
            accepter = True
        elif ctx.interactif:
            from rich.console import Console
            from rich.panel import Panel

            Console(stderr=True).print(
                Panel(
                    defi.cgu.texte,
                    title=f"Conditions générales d'utilisation — version {defi.cgu.version}",
                )
            )
            accepter = confirmer("Acceptez-vous les conditions générales d'utilisation ?")

    session = ctx.executer(
        lambda uow: auth.terminer_connexion(
            uow, defi, politiques, nouveau_mot_de_passe=nouveau, accepter_cgu=accepter
        )
    )
    emplacement = ctx.coffre().enregistrer(session.identifiant, session.jeton)
    if session.mot_de_passe_change:
        ctx.info("Votre mot de passe a été modifié.")
    if session.cgu_acceptee:
        ctx.info(f"Conditions générales d'utilisation (version {session.cgu_acceptee}) acceptées.")
    ctx.info(
        f"Connecté : {session.identifiant}. Session valable jusqu'au "
        f"{session.expire_le.astimezone():%d/%m/%Y à %H:%M} ; jeton conservé dans le "
        f"{emplacement}."
    )
    if ctx.sortie == "json":
        ctx.afficher(
            {
                "identifiant": session.identifiant,
                "session_expire_le": session.expire_le,
                "mot_de_passe_change": session.mot_de_passe_change,
                "cgu_acceptee": session.cgu_acceptee,
                "stockage_jeton": emplacement,
            }
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
    """Se déconnecter : termine cette session (ou toutes avec --all) et efface le jeton local.

    Exemple : cpfadmin logout --all
    """
    from cpfadmin.domain.errors import ErreurAuthentification, NonConnecte
    from cpfadmin.services import auth

    ctx = contexte()
    coffre = ctx.coffre()
    try:
        acteur = ctx.acteur()
    except ErreurAuthentification:
        if coffre.lire() is None:
            raise NonConnecte("Aucune session ouverte sur ce profil.") from None
        coffre.effacer()
        ctx.info("La session avait déjà pris fin ; le jeton local est effacé.")
        return
    n = ctx.executer(lambda uow: auth.deconnecter(uow, acteur, toutes=all_))
    coffre.effacer()
    ctx.info(f"Déconnecté ({n} session{'s' if n > 1 else ''} terminée{'s' if n > 1 else ''}).")
    if ctx.sortie == "json":
        ctx.afficher({"identifiant": acteur.identifiant, "sessions_terminees": n})
