"""The root command: global options, the sub-apps, and the one boundary where errors become
French messages and exit codes."""

import os
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from cpfadmin import __version__
from cpfadmin.cli import (
    audit,
    cgu,
    db,
    francais,
    gestionnaires,
    me,
    organismes,
    outbox,
    password,
    politique,
    serve,
    session,
    sessions,
    unites,
)
from cpfadmin.cli import init as init_cmd
from cpfadmin.cli.context import contexte, reinitialiser
from cpfadmin.cli.errors import CodeSortie, code_pour
from cpfadmin.domain.errors import ErreurCpf


def _lisible(texte: str, longueur_max: int = 500) -> str:
    """What reaches the terminal: invisible and control characters shown escaped (a NUL, an
    escape sequence or a right-to-left override typed by a user must not act on the
    terminal), and no message longer than a screen."""
    import unicodedata

    if not texte.isprintable():
        texte = "".join(
            c
            if c == " " or unicodedata.category(c)[0] not in "CZ"
            else (" " if unicodedata.category(c) == "Zs" else c.encode("unicode_escape").decode())
            for c in texte
        )
    return texte if len(texte) <= longueur_max else texte[: longueur_max - 1] + "…"


def _erreur(message: str, code: int, *, suggestion: str | None = None) -> int:
    message = _lisible(message)
    suggestion = _lisible(suggestion) if suggestion else None
    ctx = contexte()
    if ctx.sortie == "json":
        import json

        corps: dict[str, Any] = {"code": code, "message": message}
        if suggestion:
            corps["suggestion"] = suggestion
        sys.stderr.write(json.dumps({"erreur": corps}, ensure_ascii=False) + "\n")
    else:
        ligne = f"Erreur : {message}"
        if suggestion:
            ligne += f" → {suggestion}"
        sys.stderr.write(ligne + "\n")
    return code


def _pre_analyse(args: list[str]) -> None:
    """Read --debug and -o before parsing, so even a usage error is rendered as asked."""
    sortie, debug = "table", bool(os.environ.get("CPFADMIN_DEBUG"))
    for i, a in enumerate(args):
        if a == "--debug":
            debug = True
        elif a in ("-o", "--output") and i + 1 < len(args):
            sortie = args[i + 1]
        elif a.startswith("--output="):
            sortie = a.split("=", 1)[1]
        elif a.startswith("-o") and len(a) > 2:
            sortie = a[2:]
    reinitialiser(sortie=sortie if sortie in ("table", "json", "csv") else "table", debug=debug)


AIDES_FRANCAISES = {
    "help": "Afficher cette aide et quitter.",
    "install_completion": "Installer la complétion pour le shell courant, ou celui nommé "
    "après l'option (bash, zsh, fish, powershell).",
    "show_completion": "Afficher le script de complétion du shell courant.",
}


PREFIXE_UTILISATION = "Utilisation : "


def _aide_en_francais() -> None:
    """Click's own options (--help, completion) say their help in English, and its usage line
    starts with "Usage:": give them in French. Typer vendors Click, so this is done on its
    Command and HelpFormatter classes, once."""
    from typer._click.core import Command
    from typer._click.formatting import HelpFormatter

    if getattr(Command, "_cpfadmin_fr", False):
        return
    originale = Command.get_help_option

    def get_help_option(self, ctx):  # type: ignore[no-untyped-def]
        option = originale(self, ctx)
        if option is not None:
            option.help = AIDES_FRANCAISES["help"]
        return option

    ligne_utilisation = HelpFormatter.write_usage

    def write_usage(self, prog, args="", prefix=None):  # type: ignore[no-untyped-def]
        args = args.replace("COMMAND [ARGS]...", "COMMANDE [ARGUMENTS]...")
        return ligne_utilisation(
            self, prog, args, PREFIXE_UTILISATION if prefix is None else prefix
        )

    Command.get_help_option = get_help_option  # type: ignore[method-assign]
    HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
    Command._cpfadmin_fr = True  # type: ignore[attr-defined]


_aide_en_francais()
francais.installer()


LIBELLES_AIDE = {
    "DEPRECATED_STRING": "(obsolète) ",
    "DEFAULT_STRING": "[par défaut : {}]",
    "ENVVAR_STRING": "[variable : {}]",
    "REQUIRED_LONG_STRING": "[obligatoire]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commandes",
    "ERRORS_PANEL_TITLE": "Erreur",
    "ABORTED_TEXT": "Interrompu.",
}


# Global options that take a value (the word after them is not a command), and global flags.
OPTIONS_A_VALEUR = {"-o", "--output", "--profile", "--db", "--server"}
DRAPEAUX_GLOBAUX = {"--no-input", "--debug", "--no-pager"}


def _prend_une_valeur(commande: Any, mot: str) -> bool:
    """Whether ``mot`` is an option of ``commande`` that takes the next word as its value."""
    if "=" in mot:
        return False
    for parametre in getattr(commande, "params", ()):
        noms = (*getattr(parametre, "opts", ()), *getattr(parametre, "secondary_opts", ()))
        if mot in noms and getattr(parametre, "param_type_name", "") == "option":
            return not (parametre.is_flag or parametre.count)  # type: ignore[attr-defined]
    return False


def _option_globale(mot: str) -> str | None:
    """``"valeur"`` for a global option whose value is the next word, ``"seule"`` for one
    that stands alone (a flag, ``--db=URL``, ``-ojson``), None for any other word."""
    if mot in OPTIONS_A_VALEUR:
        return "valeur"
    if mot in DRAPEAUX_GLOBAUX or mot.split("=", 1)[0] in OPTIONS_A_VALEUR - {"-o"}:
        return "seule"
    if mot.startswith("-o") and not mot.startswith("--") and len(mot) > 2:
        return "seule"
    return None


def chemin_commande(racine: Any, args: list[str]) -> str:
    """``cpfadmin gestionnaires list``: the command the words of ``args`` name."""
    mots, commande, precedent = ["cpfadmin"], racine, ""
    for mot in args:
        if mot == "--":
            break
        sous = getattr(commande, "commands", {}).get(mot)
        if sous is not None and precedent not in OPTIONS_A_VALEUR:
            mots.append(mot)
            commande = sous
        precedent = mot
    return " ".join(mots)


def globales_devant(racine: Any, args: list[str]) -> list[str]:
    """The global options moved before the command, wherever they were typed
    (``cpfadmin me -o json`` is ``cpfadmin -o json me``, as with gh and kubectl). The value of
    a command's own option and everything after ``--`` are left where they are."""
    devant: list[str] = []
    reste: list[str] = []
    commande = racine
    i = 0
    while i < len(args):
        mot = args[i]
        if mot == "--":
            reste.extend(args[i:])
            break
        genre = _option_globale(mot)
        if genre == "valeur" and i + 1 == len(args):
            # typed last without its value: an empty one, which Click refuses in French
            devant.append(f"{'--output' if mot == '-o' else mot}=")
            break
        if genre is not None:
            largeur = 2 if genre == "valeur" else 1
            devant.extend(args[i : i + largeur])
            i += largeur
            continue
        if _prend_une_valeur(commande, mot):
            reste.extend(args[i : i + 2])
            i += 2
            continue
        if not mot.startswith("-"):
            sous = getattr(commande, "commands", {}).get(mot)
            if sous is not None:
                commande = sous
        reste.append(mot)
        i += 1
    return devant + reste


class GroupeCpf(TyperGroup):
    def _aide_affichee(self, args: list[str]) -> bool:
        """Whether this run shows help: no argument, -h/--help, or a group named alone
        (``cpfadmin gestionnaires``), which shows its help."""
        if not args or "--help" in args or "-h" in args:
            return True
        mots, precedent = [], ""
        for a in args:
            if not a.startswith("-") and precedent not in OPTIONS_A_VALEUR:
                mots.append(a)
            precedent = a
        groupe = self.commands.get(mots[0]) if len(mots) == 1 else None
        # ``me`` alone is a command (its group runs without a subcommand), not a help page.
        return isinstance(groupe, TyperGroup) and not groupe.invoke_without_command

    def _traduire(self, args: list[str]) -> None:
        if self._aide_affichee(args):
            # Only when help is shown: Typer's Rich help module is slow to import.
            from typer import rich_utils

            for nom, libelle in LIBELLES_AIDE.items():
                setattr(rich_utils, nom, libelle)
            surligneur = rich_utils.OptionHighlighter
            motif = rf"(?P<usage>{PREFIXE_UTILISATION})"
            if motif not in surligneur.highlights:
                surligneur.highlights = [*surligneur.highlights, motif]
        # Typer appends its completion options after building the group.
        for parametre in self.params:
            if parametre.name in AIDES_FRANCAISES:
                parametre.help = AIDES_FRANCAISES[parametre.name]  # type: ignore[attr-defined]
            if parametre.name == "install_completion":
                parametre.callback = francais.installer_completion

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from typer import Abort
        from typer._click.exceptions import ClickException

        args = globales_devant(self, list(sys.argv[1:] if args is None else args))
        args = francais.retenir_coquille(args)
        _pre_analyse(args)
        if not contexte().debug:
            # A library's warning (openpyxl on a workbook's styles, a deprecation) is not the
            # user's business, and would break a JSON stderr; --debug shows them.
            import warnings

            warnings.simplefilter("ignore")
        self._traduire(args)
        try:
            rv = super().main(
                args=args,
                prog_name=prog_name or "cpfadmin",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = rv if isinstance(rv, int) else 0
        except ErreurCpf as e:
            if contexte().debug:
                import traceback

                traceback.print_exc()
            from cpfadmin.cli import redaction

            erreur = contexte().expliquer(e)
            code = _erreur(
                redaction.message(erreur),
                code_pour(erreur),
                suggestion=redaction.suggestion(erreur),
            )
        except ClickException as e:
            code = _erreur(francais.message_usage(e), e.exit_code)
            if e.exit_code == CodeSortie.USAGE and contexte().sortie != "json":
                # the help of the command that failed, not the top level's
                chemin = getattr(getattr(e, "ctx", None), "command_path", None)
                chemin = chemin or chemin_commande(self, args)
                sys.stderr.write(f"Voir « {chemin} --help ».\n")
        except (Abort, KeyboardInterrupt) as e:
            # At a terminal the cursor is after a prompt or the echoed « ^C »: the message
            # starts on a line of its own (a hidden prompt has already ended its line).
            if sys.stderr.isatty() and not getattr(e, "ligne_neuve", False):
                sys.stderr.write("\n")
            code = _erreur("Interrompu.", CodeSortie.INTERROMPU)
        except Exception as e:
            if contexte().debug:
                import traceback

                traceback.print_exc()
            code = _erreur(
                f"erreur inattendue ({type(e).__name__}).",
                CodeSortie.ERREUR_INATTENDUE,
                suggestion="relancez avec --debug pour le détail",
            )
        if code != CodeSortie.INTERROMPU:
            _attendre_les_fils()
        else:
            # Ctrl-C means now, but an import left half-done by the preloading thread can hang
            # the interpreter's shutdown (seen on a loaded machine): let the import finish.
            _attendre_les_fils(noms=("cpfadmin-prechargement",))
        if standalone_mode:
            sys.exit(code)
        return code


def _attendre_les_fils(
    delai: float = 5.0, noms: tuple[str, ...] = ("cpfadmin-bcrypt", "cpfadmin-prechargement")
) -> None:
    """Let the background threads of a command (the bcrypt head start, the imports made while
    a prompt waits) finish before the interpreter shuts down: a daemon thread still inside a
    C extension's import or bcrypt at finalization can abort the process (SIGABRT) instead
    of the exit code the command chose. The keyring call has its own timeout and is not
    waited for."""
    import threading
    import time

    fin = time.monotonic() + delai  # in all: a thread stuck on a lock must not hold the exit
    for fil in threading.enumerate():
        if fil.daemon and fil.name in noms:
            fil.join(max(0.0, fin - time.monotonic()))


app = typer.Typer(
    cls=GroupeCpf,
    name="cpfadmin",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
)


class FormatSortie(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _version(valeur: bool) -> None:
    if valeur:
        typer.echo(f"cpfadmin {__version__}")
        raise typer.Exit()


@app.callback()
def principal(
    profile: Annotated[
        str | None,
        typer.Option("--profile", envvar="CPFADMIN_PROFILE", help="Profil de config.toml."),
    ] = None,
    db_url: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="CPFADMIN_DATABASE_URL",
            help="URL de la base (sqlite:///… ou postgresql://…).",
            show_envvar=True,
        ),
    ] = None,
    server: Annotated[
        str | None,
        typer.Option(
            "--server",
            envvar="CPFADMIN_SERVER",
            help="URL d'un serveur cpfadmin (https://…) : travailler à travers lui, sans "
            "détenir la base.",
            show_envvar=True,
        ),
    ] = None,
    output: Annotated[
        FormatSortie,
        typer.Option("-o", "--output", help="Format de sortie des résultats."),
    ] = FormatSortie.TABLE,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Ne jamais rien demander (scripts, CI).")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Afficher la trace complète des erreurs.")
    ] = False,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager", help="Ne jamais passer les longs tableaux au pager (PAGER, less)."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Afficher la version."),
    ] = False,
) -> None:
    """Administration des inscriptions et habilitations du portail gestionnaire SI CPF.

    Commencez par « cpfadmin init » (une fois), puis « cpfadmin login IDENTIFIANT ».
    Les options globales s'écrivent avant ou après la commande (cpfadmin me -o json).

    Exemple : cpfadmin -o json me
    """
    for nom, valeur in (("--db", db_url), ("--profile", profile), ("--server", server)):
        if valeur is not None and not valeur.strip():
            raise typer.BadParameter("une valeur vide n'est pas permise.", param_hint=nom)
    reinitialiser(
        profil_nom=profile,
        url_base=db_url,
        url_serveur=server,
        sortie=output.value,
        sans_saisie=no_input,
        sans_pager=no_pager,
        debug=debug or contexte().debug,
    )


app.command("init")(init_cmd.init)
app.command("login")(session.login)
app.command("logout")(session.logout)
app.add_typer(me.app, name="me")
app.add_typer(sessions.app, name="session")
app.add_typer(password.app, name="password")
app.add_typer(organismes.app, name="organismes")
app.add_typer(gestionnaires.app, name="gestionnaires")
app.add_typer(unites.app, name="unites")
app.add_typer(cgu.app, name="cgu")
app.add_typer(politique.app, name="politique")
app.add_typer(audit.app, name="audit")
app.add_typer(outbox.app, name="outbox")
app.add_typer(db.app, name="db")
app.command("serve")(serve.serve)


def run() -> None:
    app()
