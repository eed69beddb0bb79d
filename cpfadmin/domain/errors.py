"""The one tree of errors. Each carries a French message meant for the user; the CLI maps the
families below to exit codes in one table (``cpfadmin.cli.errors``).

A message or a suggestion that names an option or a command holds it as a structured hint
(``Option``, ``Commande``), not as a command line's spelling: each front end words it its own
way (the CLI: ``--organisme SIRET``, ``cpfadmin outbox send``); ``message`` is a neutral
wording, for logs and for front ends that have no better one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Option:
    """An option of a use case, by its name (``organisme``, ``ignorer_colonne``) and, when the
    hint shows one, a value to give it (``SIRET``, ``"Mél."``)."""

    nom: str
    valeur: str | None = None

    def __str__(self) -> str:
        return f"« {self.nom} »" if self.valeur is None else f"« {self.nom} {self.valeur} »"


class Saisie(str):
    """A value as a person typed it (a libellé with spaces, say): a command line quotes it."""


@dataclass(frozen=True, init=False)
class Commande:
    """A use case to run, by its command path (``"outbox send"``), with its arguments — plain
    values or ``Option`` — in order."""

    chemin: str
    arguments: tuple[str | Option, ...]

    def __init__(self, chemin: str, *arguments: str | Option) -> None:
        object.__setattr__(self, "chemin", chemin)
        object.__setattr__(self, "arguments", arguments)

    def __str__(self) -> str:
        arguments = [a.nom if isinstance(a, Option) else a for a in self.arguments]
        return "« " + " ".join([self.chemin, *arguments]) + " »"


# A text: a plain string, a hint, or a sequence of both, worded in order.
Texte = str | Option | Commande | tuple["Texte", ...]


def rediger(
    texte: Texte | None,
    *,
    option: Callable[[Option], str] = str,
    commande: Callable[[Commande], str] = str,
) -> str | None:
    """``texte`` in words, each hint by the front end's own wording (neutral by default)."""
    if texte is None:
        return None
    if isinstance(texte, str):
        return texte
    if isinstance(texte, Option):
        return option(texte)
    if isinstance(texte, Commande):
        return commande(texte)
    return "".join(rediger(partie, option=option, commande=commande) or "" for partie in texte)


def en_json(texte: Texte | None) -> Any:
    """``texte`` as JSON values (a report spooled to a file, a response body): a string, or
    its hints as objects — ``{"option": …, "valeur": …}``, ``{"commande": …, "arguments": …}``,
    ``{"saisie": …}``."""
    if isinstance(texte, Saisie):
        return {"saisie": str(texte)}
    if texte is None or isinstance(texte, str):
        return texte
    if isinstance(texte, Option):
        return {"option": texte.nom, "valeur": texte.valeur}
    if isinstance(texte, Commande):
        return {"commande": texte.chemin, "arguments": [en_json(a) for a in texte.arguments]}
    return [en_json(partie) for partie in texte]


def depuis_json(valeur: Any) -> Texte | None:
    """The text ``en_json`` wrote."""
    if valeur is None or isinstance(valeur, str):
        return valeur
    if isinstance(valeur, list):
        return tuple(depuis_json(partie) or "" for partie in valeur)
    if "saisie" in valeur:
        return Saisie(valeur["saisie"])
    if "option" in valeur:
        return Option(valeur["option"], valeur.get("valeur"))
    arguments = [depuis_json(a) for a in valeur.get("arguments", [])]
    return Commande(valeur["commande"], *(a for a in arguments if isinstance(a, str | Option)))


class ErreurCpf(Exception):
    """Base of every error the user may see."""

    message = "Erreur."

    def __init__(self, message: Texte | None = None, *, suggestion: Texte | None = None) -> None:
        self.texte: Texte = message or type(self).message
        self.message = rediger(self.texte) or ""
        self.suggestion = suggestion
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


# --- usage (exit 2) -------------------------------------------------------------------------
class SaisieRequise(ErreurCpf):
    """A value is needed and no prompt is allowed (--no-input, or no terminal)."""


# --- authentication (exit 3) ----------------------------------------------------------------
class ErreurAuthentification(ErreurCpf):
    message = "Authentification requise."


class NonConnecte(ErreurAuthentification):
    message = "Vous n'êtes pas connecté."

    def __init__(
        self, message: Texte | None = None, *, suggestion: Texte = Commande("login")
    ) -> None:
        super().__init__(message, suggestion=suggestion)


class SessionExpiree(ErreurAuthentification):
    message = "Session expirée."

    def __init__(self, message: Texte | None = None) -> None:
        super().__init__(message, suggestion=Commande("login"))


class IdentifiantsInvalides(ErreurAuthentification):
    # The same message whether the identifiant exists or not: no account enumeration.
    message = "Identifiant ou mot de passe incorrect."


class CompteVerrouille(ErreurAuthentification):
    message = "Compte temporairement verrouillé après des échecs de connexion répétés."


class MotDePasseTemporaireExpire(ErreurAuthentification):
    message = "Mot de passe temporaire expiré : demandez un renouvellement à votre administrateur."


class TropDeTentatives(ErreurAuthentification):
    """Too many login failures from one address (the server's throttle, SPEC §8): nobody's
    account is locked by it; ``attente`` is how many seconds until the next try is admitted."""

    def __init__(self, attente: int = 60, message: Texte | None = None) -> None:
        self.attente = max(1, int(attente))
        minutes = -(-self.attente // 60)
        super().__init__(
            message
            or "Trop de tentatives de connexion depuis votre adresse : réessayez dans "
            f"{minutes} minute{'s' if minutes > 1 else ''}."
        )


class CguNonAcceptees(ErreurAuthentification):
    message = "Conditions générales d'utilisation non acceptées : aucune session n'a été ouverte."


# --- forbidden (exit 4) ---------------------------------------------------------------------
class AccesRefuse(ErreurCpf):
    message = "Action non autorisée pour votre compte."


# --- not found (exit 5) ---------------------------------------------------------------------
class Introuvable(ErreurCpf):
    message = "Élément introuvable."


# --- conflict (exit 6) ----------------------------------------------------------------------
class Conflit(ErreurCpf):
    message = "Conflit avec l'état actuel."


class DejaInitialise(Conflit):
    message = "La base est déjà initialisée : l'organisme CDC et son premier opérateur existent."


class DejaExistant(Conflit):
    message = "Cet élément existe déjà."


class EtatIncompatible(Conflit):
    message = "Cette action n'est pas possible dans l'état actuel."


# --- invalid input (exit 7) -----------------------------------------------------------------
class DonneeInvalide(ErreurCpf):
    message = "Donnée invalide."

    def __init__(
        self,
        message: Texte | None = None,
        *,
        champ: str | None = None,
        suggestion: Texte | None = None,
    ) -> None:
        super().__init__(message, suggestion=suggestion)
        self.champ = champ


class TransportNonAdmis(DonneeInvalide):
    """The configured mail transport may not carry temporary passwords for this store."""


class MotDePasseNonConforme(DonneeInvalide):
    def __init__(self, regle: str, message: str) -> None:
        super().__init__(message, champ="mot_de_passe")
        self.regle = regle


# --- store or keyring unavailable (exit 8) --------------------------------------------------
class StockageIndisponible(ErreurCpf):
    message = "Base de données indisponible."


class BaseNonInitialisee(StockageIndisponible):
    pass


class BaseAMettreAJour(StockageIndisponible):
    pass


class DelaiDepasse(StockageIndisponible):
    """The server's time limit for one request ran out before its work could commit: the
    transaction was rolled back (an import keeps the batches already written, and runs again)."""

    message = (
        "Le serveur n'a pas pu terminer la requête dans le délai imparti : "
        "rien n'a été enregistré, réessayez."
    )


# --- what the system said, in French ---------------------------------------------------------
_RAISONS_SYSTEME = {
    "ENOENT": "fichier ou dossier absent",
    "ENOTDIR": "un élément du chemin n'est pas un dossier",
    "EISDIR": "c'est un dossier",
    "EACCES": "permission refusée",
    "EPERM": "opération non permise",
    "EROFS": "système de fichiers en lecture seule",
    "ENOSPC": "disque plein",
    "EDQUOT": "quota disque dépassé",
    "EEXIST": "existe déjà",
    "ENAMETOOLONG": "nom trop long",
    "EIO": "erreur d'entrée-sortie",
    "ECONNREFUSED": "connexion refusée",
    "ECONNRESET": "connexion interrompue par le serveur",
    "ETIMEDOUT": "délai dépassé",
    "EHOSTUNREACH": "hôte injoignable",
    "ENETUNREACH": "réseau injoignable",
}


def raison_systeme(erreur: OSError) -> str:
    """The reason of an ``OSError`` in French (the system's own text is English)."""
    import errno
    import socket

    if isinstance(erreur, socket.gaierror):
        return "nom d'hôte inconnu"
    if isinstance(erreur, TimeoutError) and not erreur.errno:
        return "délai dépassé"
    nom = errno.errorcode.get(erreur.errno or -1, "")
    if nom in _RAISONS_SYSTEME:
        return _RAISONS_SYSTEME[nom]
    return erreur.strerror or type(erreur).__name__
