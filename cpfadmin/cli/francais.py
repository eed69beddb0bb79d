"""French for what Typer, its vendored Click and Pydantic say on their own: the types and
ranges shown in help, the usage line's argument names, usage errors (unknown option, missing
or invalid value), and the lines of the completion installer.

Typer and Click have no message catalogue to plug into (their texts are f-strings), so the
help pieces are given by small overrides of their classes, installed once, and the errors are
rebuilt in French from the exception's own fields, never by patching its English text."""

from __future__ import annotations

import sys
from typing import Any

# Python types as the help names them.
TYPES = {
    "str": "texte",
    "int": "entier",
    "float": "nombre",
    "bool": "oui/non",
    "Path": "chemin",
    "path": "chemin",
    "file": "fichier",
    "directory": "dossier",
    "datetime": "date",
    "UUID": "uuid",
}

NATURES = {"option": "l'option", "argument": "l'argument", "parameter": "le paramètre"}


def _nom_type(libelle: str) -> str:
    return TYPES.get(libelle, libelle)


def intervalle(minimum: Any, maximum: Any) -> str | None:
    """A number range as the help says it: « de 1 à 1000 », « 1 au moins »…"""
    if minimum is None and maximum is None:
        return None
    if minimum is None:
        return f"{maximum} au plus"
    if maximum is None:
        return f"{minimum} au moins"
    return f"de {minimum} à {maximum}"


def installer() -> None:
    """Override, once, the pieces of Typer's help that are in English."""
    from typer import core

    if getattr(core, "_cpfadmin_fr", False):
        return
    parametre = core._TyperParameter
    type_anglais = parametre.display_type

    def display_type(self, ctx):  # type: ignore[no-untyped-def]
        desc = self.type_descriptor
        if desc.is_ranged:
            return f"<{_nom_type(desc.ranged_type_name)}>"
        if desc.is_choice or desc.is_datetime or desc.is_path:
            return f"<{_nom_type(type_anglais(self, ctx)[1:-1])}>"
        if desc.is_list:
            return f"<liste de {_nom_type(self._bare_type(desc.annotation.__args__[0]))}>"
        return f"<{_nom_type(self.bare_type())}>"

    def plage(self):  # type: ignore[no-untyped-def]
        return intervalle(self.min, self.max)

    type_option = core.TyperOption.display_type_rich

    def display_type_rich(self, ctx):  # type: ignore[no-untyped-def]
        if self.is_flag and self.metavar is None:
            return None  # a flag takes no value: no type to show
        return type_option(self, ctx)

    def nom_usage(self):  # type: ignore[no-untyped-def]
        nom = self.metavar or self.name.upper()
        nom = nom if self.required else f"[{nom}]"
        return nom + ("..." if self.nargs != 1 else "")

    def indice(self):  # type: ignore[no-untyped-def]
        if isinstance(self, core.TyperArgument):
            return self.metavar or self.name.upper()
        return " / ".join(self.opts)

    parametre.display_type = display_type  # type: ignore[method-assign]
    for classe in (core.TyperOption, core.TyperArgument):
        classe._get_number_range_help_str = plage  # type: ignore[attr-defined]
        classe.get_error_hint = indice  # type: ignore[method-assign]
    core.TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]
    core.TyperArgument._usage_display_name = nom_usage  # type: ignore[attr-defined]
    core._cpfadmin_fr = True  # type: ignore[attr-defined]


# --- usage errors ------------------------------------------------------------------------------
def _erreur_pydantic(erreur: dict[str, Any]) -> str:
    """One Pydantic validation error (Typer converts values with Pydantic), in French."""
    genre = erreur.get("type", "")
    contexte = erreur.get("ctx") or {}
    saisie = erreur.get("input")
    vu = f" (reçu : « {saisie} »)" if isinstance(saisie, str) else ""
    if genre in ("int_parsing", "int_type", "int_from_float"):
        return f"un nombre entier est attendu{vu}"
    if genre in ("float_parsing", "float_type", "decimal_parsing"):
        return f"un nombre est attendu{vu}"
    if genre in ("bool_parsing", "bool_type"):
        return f"oui ou non est attendu{vu}"
    bornes = {
        "greater_than_equal": ("ge", "supérieur ou égal à"),
        "greater_than": ("gt", "strictement supérieur à"),
        "less_than_equal": ("le", "inférieur ou égal à"),
        "less_than": ("lt", "strictement inférieur à"),
    }
    if genre in bornes:
        cle, texte = bornes[genre]
        return f"doit être {texte} {contexte.get(cle)}{vu}"
    if genre in ("datetime_parsing", "datetime_from_date_parsing", "date_parsing"):
        return f"date invalide{vu} (attendu : AAAA-MM-JJ)"
    if genre == "enum":
        permis = contexte.get("expected", "")
        return f"valeur non reconnue{vu} ; valeurs possibles : {permis}".replace("'", "")
    if genre == "missing":
        return "valeur manquante"
    return traduire(str(erreur.get("msg", "")))


def _pydantic(exception: BaseException) -> str | None:
    cause = exception.__cause__
    erreurs = getattr(cause, "errors", None)
    if cause is None or not callable(erreurs) or type(cause).__name__ != "ValidationError":
        return None
    try:
        liste = erreurs()
    except Exception:  # pragma: no cover - a ValidationError always lists its errors
        return None
    return _erreur_pydantic(liste[0]) if liste else None


def message_usage(exception: Any) -> str:
    """A usage error of Click or Typer (``ClickException``), in French."""
    from typer._click import exceptions as ex

    if isinstance(exception, ex.NoSuchOption):
        message = f"Option inconnue : {exception.option_name}"
        if exception.possibilities:
            message += f" (options possibles : {', '.join(sorted(exception.possibilities))})"
        return message
    if isinstance(exception, ex.MissingParameter):
        parametre = exception.param
        nature = exception.param_type or (parametre.param_type_name if parametre else "")
        nom = parametre.get_error_hint() if parametre is not None else ""
        return f"Il manque {NATURES.get(nature, nature)} {nom}".rstrip() + "."
    if isinstance(exception, ex.BadParameter):
        raison = _pydantic(exception) or traduire(exception.message)
        indice = exception.param_hint
        if exception.param is not None:
            indice = exception.param.get_error_hint()
        if isinstance(indice, list | tuple):
            indice = " / ".join(indice)
        if indice:
            return f"Valeur invalide pour {indice} : {raison}"
        return f"Valeur invalide : {raison}"
    return traduire(exception.format_message())


# The other messages Click builds (parser, group), and those that reach here as text.
PHRASES = (
    ("No such command", "Commande inconnue"),
    ("Got unexpected extra arguments", "Arguments en trop"),
    ("Got unexpected extra argument", "Argument en trop"),
    ("Option '", "L'option '"),
    ("requires an argument", "attend une valeur"),
    ("requires {nargs} arguments", "attend plusieurs valeurs"),
    ("does not take a value", "n'accepte pas de valeur"),
    ("is not one of", "n'est pas parmi"),
    ("is not a valid", "n'est pas un(e)"),
    ("Did you mean", "Vouliez-vous dire"),
    ("Possible options", "options possibles"),
    ("Value error, ", ""),
    ("Invalid value for", "Valeur invalide pour"),
    ("Invalid value", "Valeur invalide"),
    ("Missing option", "Il manque l'option"),
    ("Missing argument", "Il manque l'argument"),
    ("Missing parameter", "Il manque le paramètre"),
    ("No such option", "Option inconnue"),
    ("Error: ", "Erreur : "),
)


def traduire(message: str) -> str:
    for anglais, francais in PHRASES:
        message = message.replace(anglais, francais)
    return message


# --- the completion installer --------------------------------------------------------------------
COQUILLES = ("bash", "zsh", "fish", "powershell", "pwsh")
_coquille_nommee: list[str] = []


def retenir_coquille(args: list[str]) -> list[str]:
    """``cpfadmin --install-completion bash``: the shell named after the flag is kept aside
    (Typer's flag takes no value) and the rest of the line is returned."""
    _coquille_nommee.clear()
    if "--install-completion" in args:
        i = args.index("--install-completion")
        if i + 1 < len(args) and args[i + 1].lower() in COQUILLES:
            _coquille_nommee.append(args[i + 1].lower())
            return args[: i + 1] + args[i + 2 :]
    return args


def _coquille_courante() -> str | None:
    """The shell named on the line, else the one running cpfadmin (shellingham), else the
    login shell ($SHELL): a script run by ``sh -c`` from bash still installs for bash."""
    if _coquille_nommee:
        return _coquille_nommee[0]
    from typer._completion_shared import _get_shell_name

    detectee = _get_shell_name()
    if detectee in COQUILLES:
        return detectee
    import os

    connexion = os.path.basename(os.environ.get("SHELL", "")).lower()
    return connexion if connexion in COQUILLES else None


def installer_completion(ctx: Any, _parametre: Any, valeur: Any) -> Any:
    """``--install-completion [SHELL]``, saying in French what it did."""
    if not valeur or ctx.resilient_parsing:
        return valeur
    coquille = _coquille_courante()
    if coquille is None:
        sys.stderr.write(
            "Erreur : shell non reconnu ; la complétion existe pour "
            + ", ".join(COQUILLES)
            + ".\nNommez-le : cpfadmin --install-completion bash\n"
        )
        sys.exit(2)
    from typer._completion_shared import install

    shell, chemin = install(shell=coquille)
    sys.stdout.write(
        f"Complétion {shell} installée dans {chemin}.\n"
        "Elle prendra effet dans un nouveau terminal.\n"
    )
    sys.exit(0)
