"""Where session tokens are kept between commands (SPEC §4).

The OS keyring first (service ``cpfadmin``, one entry per profile and identifiant). When no
usable keyring exists (fail or null backend, a chainer with nothing behind it, a plaintext
"keyring", a backend that raises or does not answer in time), a warning is given on stderr
*before* the token is written to a file readable only by its owner under the data directory.
Every keyring call runs in a helper thread and is abandoned after a timeout: a locked or
absent Secret Service never makes cpfadmin hang.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpfadmin.domain.errors import Commande, StockageIndisponible

SERVICE = "cpfadmin"
KEYRING = "keyring"
FICHIER = "fichier"


class _TrousseauIndisponible(Exception):
    pass


@dataclass(frozen=True)
class JetonStocke:
    identifiant: str
    jeton: str
    emplacement: str


def _avec_delai(fonction: Callable[[], Any], delai: float) -> Any:
    resultat: dict[str, Any] = {}

    def cible() -> None:
        try:
            resultat["valeur"] = fonction()
        except BaseException as e:  # reported to the caller's thread
            resultat["erreur"] = e

    fil = threading.Thread(target=cible, name="cpfadmin-keyring", daemon=True)
    fil.start()
    fil.join(delai)
    if fil.is_alive():
        raise _TrousseauIndisponible(f"le trousseau n'a pas répondu en {delai:g} s")
    if "erreur" in resultat:
        e = resultat["erreur"]
        if isinstance(e, _TrousseauIndisponible):
            raise e
        raise _TrousseauIndisponible(f"{type(e).__name__}: {e}".strip())
    return resultat.get("valeur")


def _ecrire_atomiquement(cible: Path, contenu: str) -> None:
    """Write through a temporary file of one's own (mkstemp: unique name, mode 0600), then
    rename: concurrent commands in the same home never see a half-written or missing file."""
    descripteur, nom = tempfile.mkstemp(dir=cible.parent, prefix=f".{cible.name}.", suffix=".tmp")
    try:
        with os.fdopen(descripteur, "w", encoding="utf-8") as f:
            f.write(contenu)
        Path(nom).replace(cible)
    except BaseException:
        Path(nom).unlink(missing_ok=True)
        raise


def _nom_backend(backend: Any) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def backend_utilisable() -> tuple[Any, str]:
    """The keyring backend, or raise ``_TrousseauIndisponible`` saying why it cannot keep a
    secret."""
    import keyring
    from keyring.backends import chainer, fail, null

    backend = keyring.get_keyring()
    nom = _nom_backend(backend)
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        raise _TrousseauIndisponible(f"aucun trousseau système ({nom})")
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        raise _TrousseauIndisponible("aucun trousseau système derrière le chaînage")
    if "plaintext" in type(backend).__name__.lower():
        raise _TrousseauIndisponible(f"trousseau en clair ({nom})")
    return backend, nom


@dataclass(frozen=True)
class SessionConservee:
    """One account's token kept on this profile (the token itself is not read)."""

    identifiant: str
    emplacement: str
    active: bool


class CoffreJetons:
    """The tokens of a profile: one per account logged in on it, and which one is active.

    The non-secret state (``etat/PROFIL.json``) records, for each account, where its token is,
    which account the commands act as, and whether the fallback-file warning was given."""

    def __init__(
        self,
        dossier_donnees: Path,
        profil: str,
        *,
        delai: float = 5.0,
        avertir: Callable[[str], None] = lambda _message: None,
    ) -> None:
        self.dossier_etat = dossier_donnees / "etat"
        self.dossier_jetons = dossier_donnees / "jetons"
        self.profil = profil
        self.delai = delai
        self.avertir = avertir

    # --- the small, non-secret state: who is logged in on this profile, and where ---------
    @property
    def _fichier_etat(self) -> Path:
        return self.dossier_etat / f"{self.profil}.json"

    def _lire_etat(self) -> dict[str, Any]:
        """``{"actif": IDENT | None, "comptes": {IDENT: {"stockage", "backend"}}, …}``; the
        single-account state of earlier versions is read as such."""
        try:
            etat = json.loads(self._fichier_etat.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            etat = {}
        if not isinstance(etat, dict):
            etat = {}
        if "identifiant" in etat and "comptes" not in etat:  # one account, as before
            identifiant = etat.pop("identifiant")
            entree = {k: etat.pop(k) for k in ("stockage", "backend") if k in etat}
            etat = {**etat, "actif": identifiant, "comptes": {identifiant: entree}}
        etat.setdefault("actif", None)
        if not isinstance(etat.get("comptes"), dict):
            etat["comptes"] = {}
        return etat

    def _ecrire_etat(self, etat: dict[str, Any]) -> None:
        self.dossier_etat.mkdir(parents=True, exist_ok=True)
        _ecrire_atomiquement(self._fichier_etat, json.dumps(etat))

    @contextlib.contextmanager
    def _verrou(self) -> Iterator[None]:
        """One read-modify-write of the state at a time (several cpfadmin of one user)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: atomic replace only
            yield
            return
        self.dossier_etat.mkdir(parents=True, exist_ok=True)
        with open(self.dossier_etat / f".{self.profil}.verrou", "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def _cle(self, identifiant: str) -> str:
        return f"{self.profil}:{identifiant}"

    def _fichier_jeton(self, identifiant: str) -> Path:
        return self.dossier_jetons / f"{self.profil}-{identifiant}.token"

    # --- public operations ---------------------------------------------------------------
    def prechauffer(self) -> None:
        """Find the keyring backend in a background thread (keyring's import and its backends'
        discovery are most of what keeping a token costs) while the main thread waits on
        something else — a login's password check. What fails here is tried again, and
        reported, by the call that needs it."""

        def chercher() -> None:
            with contextlib.suppress(Exception):
                backend_utilisable()

        threading.Thread(target=chercher, name="cpfadmin-trousseau", daemon=True).start()

    def enregistrer(self, identifiant: str, jeton: str) -> str:
        """Keep the token of ``identifiant``, which becomes the active account; the other
        accounts' tokens stay. Return a description of where it went."""
        try:

            def ecrire() -> str:
                backend, nom = backend_utilisable()
                backend.set_password(SERVICE, self._cle(identifiant), jeton)
                return nom

            nom = _avec_delai(ecrire, self.delai)
            self._supprimer_fichier(identifiant)
            entree = {"stockage": KEYRING, "backend": nom}
            averti = False
        except _TrousseauIndisponible as e:
            fichier = self._fichier_jeton(identifiant)
            averti = bool(self._lire_etat().get("avertissement_fichier"))
            if not averti:  # once per profile, not at every login
                self.avertir(
                    f"Trousseau système inutilisable ({e}) : le jeton de session sera conservé "
                    f"dans le fichier {fichier} (lisible par vous seul)."
                )
            self._ecrire_fichier(fichier, jeton)
            entree = {"stockage": FICHIER, "backend": str(fichier)}
            averti = True
        with self._verrou():
            etat = self._lire_etat()
            etat["comptes"][identifiant] = entree
            etat["actif"] = identifiant
            if averti:
                etat["avertissement_fichier"] = True
            else:  # the keyring works again: a new fallback will be announced
                etat.pop("avertissement_fichier", None)
            self._ecrire_etat(etat)
        return self.decrire(entree)

    def actif(self) -> str | None:
        """The identifiant of the active account, if any."""
        etat = self._lire_etat()
        actif = etat.get("actif")
        return actif if actif in etat["comptes"] else None

    def lire(self, identifiant: str | None = None) -> JetonStocke | None:
        """The token of ``identifiant`` (by default, of the active account)."""
        etat = self._lire_etat()
        identifiant = identifiant or etat.get("actif")
        entree = etat["comptes"].get(identifiant) if identifiant else None
        if not identifiant or entree is None:
            return None
        if entree.get("stockage") == FICHIER:
            try:
                jeton = self._fichier_jeton(identifiant).read_text(encoding="utf-8").strip()
            except FileNotFoundError:
                return None
        else:
            try:
                jeton = _avec_delai(
                    lambda: backend_utilisable()[0].get_password(SERVICE, self._cle(identifiant)),
                    self.delai,
                )
            except _TrousseauIndisponible as e:
                raise StockageIndisponible(
                    f"Trousseau système indisponible ({e}) : impossible de lire le jeton de "
                    "session.",
                    suggestion=(Commande("login"), " (ou définissez CPFADMIN_TOKEN)"),
                ) from None
            if not jeton:
                return None
        return JetonStocke(identifiant, jeton, self.decrire(entree))

    def sessions(self) -> list[SessionConservee]:
        """The accounts with a token kept on this profile, in identifiant order."""
        etat = self._lire_etat()
        return [
            SessionConservee(identifiant, self.decrire(entree), identifiant == etat.get("actif"))
            for identifiant, entree in sorted(etat["comptes"].items())
        ]

    def choisir(self, identifiant: str) -> bool:
        """Make ``identifiant`` the active account; False when no token of it is kept."""
        with self._verrou():
            etat = self._lire_etat()
            if identifiant not in etat["comptes"]:
                return False
            etat["actif"] = identifiant
            self._ecrire_etat(etat)
        return True

    def effacer(self, identifiant: str | None = None) -> None:
        """Forget the token of ``identifiant`` (by default, of the active account); the other
        accounts' stay. When it was the active one, no account is active afterwards."""
        with self._verrou():
            etat = self._lire_etat()
            identifiant = identifiant or etat.get("actif")
            if not identifiant:
                return
            entree = etat["comptes"].pop(identifiant, None)
            if etat.get("actif") == identifiant:
                etat["actif"] = None
            if etat["comptes"] or etat.get("avertissement_fichier"):
                self._ecrire_etat(etat)
            else:
                self._fichier_etat.unlink(missing_ok=True)
        if entree is not None:
            self._effacer_entree(identifiant, entree)

    def emplacement(self) -> str | None:
        etat = self._lire_etat()
        entree = etat["comptes"].get(etat.get("actif") or "")
        return self.decrire(entree) if entree else None

    @staticmethod
    def decrire(etat: dict[str, str]) -> str:
        if etat.get("stockage") == FICHIER:
            return f"fichier {etat.get('backend')}"
        return f"trousseau système ({etat.get('backend')})"

    # --- helpers ---------------------------------------------------------------------------
    def _effacer_entree(self, identifiant: str, entree: dict[str, str]) -> None:
        if entree.get("stockage") == FICHIER:
            self._supprimer_fichier(identifiant)
            return
        # Nothing to delete, or the keyring is gone: the session is revoked in the store anyway.
        with contextlib.suppress(_TrousseauIndisponible):
            _avec_delai(
                lambda: backend_utilisable()[0].delete_password(SERVICE, self._cle(identifiant)),
                self.delai,
            )

    def _supprimer_fichier(self, identifiant: str) -> None:
        self._fichier_jeton(identifiant).unlink(missing_ok=True)

    def _ecrire_fichier(self, fichier: Path, jeton: str) -> None:
        fichier.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _ecrire_atomiquement(fichier, jeton)
