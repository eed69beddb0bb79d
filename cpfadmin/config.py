"""Where cpfadmin keeps its files, and the named profiles of ``config.toml`` (SPEC §4).

``CPFADMIN_HOME`` relocates configuration, data and token files in one go; otherwise the
platform directories are used (``~/.config/cpfadmin``, ``~/.local/share/cpfadmin``).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpfadmin.domain.errors import DonneeInvalide

PROFIL_DEFAUT = "default"
DELAI_CONNEXION_DEFAUT = 5.0
# libpq never waits less than 2 s for a connection; more than 5 minutes is a hung command.
DELAI_CONNEXION_BORNES = (2.0, 300.0)


@dataclass(frozen=True)
class Chemins:
    configuration: Path
    donnees: Path

    @property
    def fichier_configuration(self) -> Path:
        return self.configuration / "config.toml"

    @property
    def jetons(self) -> Path:
        return self.donnees / "jetons"

    @property
    def etat(self) -> Path:
        return self.donnees / "etat"

    @property
    def courrier(self) -> Path:
        return self.donnees / "courrier"


def chemins() -> Chemins:
    racine = os.environ.get("CPFADMIN_HOME")
    if racine:
        base = Path(racine).expanduser()
        return Chemins(configuration=base, donnees=base / "data")
    import platformdirs

    return Chemins(
        configuration=Path(platformdirs.user_config_dir("cpfadmin", appauthor=False)),
        donnees=Path(platformdirs.user_data_dir("cpfadmin", appauthor=False)),
    )


@dataclass(frozen=True)
class Reglages:
    """What ``[profiles.NAME.policy]`` may still set: the client's own business. The security
    policy (sessions, lockout, passwords, bcrypt) is the store's (``cpfadmin politique``)."""

    keyring_timeout_seconds: float = 5


@dataclass(frozen=True)
class Courrier:
    transport: str = "file"
    directory: str | None = None
    host: str = "localhost"
    port: int = 25
    security: str = "none"  # none | starttls | ssl
    username: str | None = None
    sender: str = "SI CPF <ne-pas-repondre@moncompteformation.gouv.fr>"
    portal_url: str = "https://gestespaceprive.moncompteformation.gouv.fr/sl5-portailgest-web/login"


@dataclass(frozen=True)
class Profil:
    nom: str
    url_base: str
    reglages: Reglages = field(default_factory=Reglages)
    courrier: Courrier = field(default_factory=Courrier)
    url_explicite: bool = False
    # How long a command waits for the database server to answer a connection (PostgreSQL).
    connect_timeout_seconds: float = DELAI_CONNEXION_DEFAUT
    # What the command should say about the file before it goes on (security keys ignored).
    avertissements: tuple[str, ...] = ()
    # ``audit_checkpoint_key``: the operator's Ed25519 key that signs audit checkpoints (kept
    # off the store's machine), whose public half ``audit verify --checkpoint`` trusts.
    cle_point_de_controle: Path | None = None
    # ``server``: the cpfadmin server this profile works through (SPEC §8) — then the store's
    # URL is the server's business, never this machine's; ``ca_bundle``: the private CA that
    # signed the server's certificate.
    serveur: str | None = None
    ca_bundle: Path | None = None


def _lire_toml(fichier: Path) -> dict[str, Any]:
    if not fichier.exists():
        return {}
    try:
        with fichier.open("rb") as f:
            return tomllib.load(f)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise DonneeInvalide(f"Fichier de configuration illisible ({fichier}) : {e}") from None


def _table(valeur: Any, origine: str) -> dict[str, Any]:
    if not isinstance(valeur, dict):
        raise DonneeInvalide(f"Configuration invalide : {origine} doit être une table TOML.")
    return valeur


def _verifier_type(cls: type, cle: str, valeur: Any, origine: str) -> None:
    defaut = cls.__dataclass_fields__[cle].default
    attendu: tuple[type, ...]
    if isinstance(defaut, bool):
        attendu, nom = (bool,), "un booléen"
    elif isinstance(defaut, int):
        attendu, nom = (int,), "un nombre entier"
    elif isinstance(defaut, float):
        attendu, nom = (int, float), "un nombre"
    else:
        attendu, nom = (str,), "une chaîne de caractères"
    if (isinstance(valeur, bool) and bool not in attendu) or not isinstance(valeur, attendu):
        raise DonneeInvalide(f"Configuration invalide dans {origine} : « {cle} » attend {nom}.")


def _section(cls: type, valeurs: Any, origine: str) -> Any:
    valeurs = _table(valeurs, origine)
    connus = set(cls.__dataclass_fields__)
    inconnus = set(valeurs) - connus
    if inconnus:
        raise DonneeInvalide(
            f"Configuration : clé(s) inconnue(s) dans {origine} : {', '.join(sorted(inconnus))}."
        )
    for cle, valeur in valeurs.items():
        _verifier_type(cls, cle, valeur, origine)
    return cls(**valeurs)


def url_sqlite_par_defaut(c: Chemins, profil: str) -> str:
    nom = "cpfadmin.db" if profil == PROFIL_DEFAUT else f"cpfadmin-{profil}.db"
    return f"sqlite:///{c.donnees / nom}"


def charger_profil(nom: str | None = None, url_base: str | None = None) -> Profil:
    """The profile to use: ``--profile``/``CPFADMIN_PROFILE``, else ``default_profile`` of the
    file, else ``default``; ``--db``/``CPFADMIN_DATABASE_URL`` override its database."""
    c = chemins()
    donnees = _lire_toml(c.fichier_configuration)
    inconnues = set(donnees) - {"default_profile", "profiles"}
    if inconnues:
        raise DonneeInvalide(
            f"Configuration : clé(s) inconnue(s) dans {c.fichier_configuration} : "
            f"{', '.join(sorted(inconnues))} (attendu : default_profile, [profiles.NOM])."
        )
    defaut = donnees.get("default_profile")
    if defaut is not None and not isinstance(defaut, str):
        raise DonneeInvalide("Configuration invalide : default_profile attend un nom de profil.")
    nom = nom or defaut or PROFIL_DEFAUT
    profils = _table(donnees.get("profiles", {}), "[profiles]")
    section = dict(_table(profils.get(nom, {}), f"[profiles.{nom}]"))
    if nom != PROFIL_DEFAUT and nom not in profils:
        raise DonneeInvalide(
            f"Profil inconnu : « {nom} » (absent de {c.fichier_configuration}).", champ="profile"
        )
    origine = f"[profiles.{nom}]"
    reglages, avertissements = _reglages(section.pop("policy", {}), f"{origine}.policy")
    courrier = _section(Courrier, section.pop("mail", {}), f"{origine}.mail")
    url_profil = section.pop("database_url", None)
    if url_profil is not None and not isinstance(url_profil, str):
        raise DonneeInvalide(
            f"Configuration invalide dans {origine} : database_url attend une URL."
        )
    delai = _delai_connexion(section.pop("connect_timeout_seconds", None), origine)
    cle_point = section.pop("audit_checkpoint_key", None)
    if cle_point is not None and (not isinstance(cle_point, str) or not cle_point.strip()):
        raise DonneeInvalide(
            f"Configuration invalide dans {origine} : audit_checkpoint_key attend le chemin "
            "d'un fichier de clé."
        )
    serveur = _chaine(section.pop("server", None), "server", "l'URL d'un serveur cpfadmin", origine)
    ca = _chaine(section.pop("ca_bundle", None), "ca_bundle", "le chemin d'un fichier PEM", origine)
    if section:
        raise DonneeInvalide(
            f"Configuration : clé(s) inconnue(s) dans {origine} : {', '.join(sorted(section))}."
        )
    url = url_base or url_profil
    return Profil(
        nom=nom,
        url_base=url or url_sqlite_par_defaut(c, nom),
        reglages=reglages,
        courrier=courrier,
        url_explicite=url is not None,
        connect_timeout_seconds=delai,
        avertissements=avertissements,
        # A relative path is read from the configuration's folder, wherever the command runs.
        cle_point_de_controle=(c.configuration / Path(cle_point).expanduser())
        if cle_point
        else None,
        serveur=serveur,
        ca_bundle=(c.configuration / Path(ca).expanduser()) if ca else None,
    )


def _chaine(valeur: Any, cle: str, attendu: str, origine: str) -> str | None:
    if valeur is not None and (not isinstance(valeur, str) or not valeur.strip()):
        raise DonneeInvalide(f"Configuration invalide dans {origine} : {cle} attend {attendu}.")
    return valeur.strip() if valeur is not None else None


def _reglages(valeurs: Any, origine: str) -> tuple[Reglages, tuple[str, ...]]:
    """The client's settings of ``[profiles.NAME.policy]``. A key of the security policy there
    (left from an earlier version) is ignored with a warning: nothing in a user's file may
    relax what the system decides (SPEC §4)."""
    from cpfadmin.domain.politique import REGLES

    valeurs = dict(_table(valeurs, origine))
    ignorees = sorted(cle for cle in valeurs if cle in REGLES)
    for cle in ignorees:
        del valeurs[cle]
    avertissements = ()
    if ignorees:
        avertissements = (
            f"{origine} : {', '.join(ignorees)} ignoré(s) — la politique de sécurité est celle "
            "de la base (cpfadmin politique show ; un opérateur la change avec « cpfadmin "
            "politique set CLÉ VALEUR »). Retirez ces lignes du fichier de configuration.",
        )
    return _section(Reglages, valeurs, origine), avertissements


def _delai_connexion(valeur: Any, origine: str) -> float:
    if valeur is None:
        return DELAI_CONNEXION_DEFAUT
    minimum, maximum = DELAI_CONNEXION_BORNES
    if (
        isinstance(valeur, bool)
        or not isinstance(valeur, int | float)
        or not minimum <= valeur <= maximum
    ):
        raise DonneeInvalide(
            f"Configuration invalide dans {origine} : « connect_timeout_seconds » attend un "
            f"nombre de secondes entre {minimum:g} et {maximum:g}."
        )
    return float(valeur)
