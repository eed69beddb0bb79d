"""The remote application (SPEC §8): the same command groups and use cases as ``Application``,
each one HTTP request to a ``cpfadmin serve``. A front end cannot tell them apart: same
arguments, same results (dates as ``datetime``), the same errors raised from the server's §8
body, the server's warnings given to ``avertir``.

It speaks HTTP with the standard library (``http.client``, ``ssl``): nothing of the store —
SQLAlchemy, SQLModel, Alembic, psycopg, bcrypt — is ever imported in remote mode.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from cpfadmin.domain import errors as e
from cpfadmin.domain.errors import Commande, DonneeInvalide, Option, Texte, depuis_json

if TYPE_CHECKING:
    from cpfadmin.adapters.jetons import CoffreJetons
    from cpfadmin.config import Profil

PREFIXE = "/api/v1"
# How long the client waits for the server's next bytes: past the server's own limits
# (``serve --request-timeout`` 30 s, ``--import-timeout`` 3600 s, then its 503), so that the
# answer a client gets is the server's — « délai dépassé, rien n'a été enregistré » — and not
# a guess. An import's answer comes after both passes and the e-mails.
DELAI_DEFAUT = 60.0
DELAI_IMPORT = 3660.0
ENTETE_AVERTISSEMENT = "cpfadmin-avertissement"
MORCEAU = 256 * 1024


def _rien(_message: Texte) -> None:
    return None


def est_local(hote: str) -> bool:
    """Whether ``hote`` is a loopback address (or ``localhost``): the one place where plain
    HTTP is admitted, by the client and by ``cpfadmin serve`` alike."""
    import ipaddress

    if hote == "localhost":
        return True
    try:
        return ipaddress.ip_address(hote.strip("[]")).is_loopback
    except ValueError:
        return False


def _dates(valeur: Any) -> Any:
    """The server's ISO dates back to ``datetime``, for the keys that hold one (``…_le``,
    ``horodatage``), as the local application returns them."""
    if isinstance(valeur, dict):
        return {
            cle: datetime.fromisoformat(v)
            if isinstance(v, str)
            and (cle.endswith("_le") or cle == "horodatage")
            and v[:1].isdigit()
            else _dates(v)
            for cle, v in valeur.items()
        }
    if isinstance(valeur, list):
        return [_dates(v) for v in valeur]
    return valeur


def erreur_depuis(statut: int, corps: Any) -> e.ErreurCpf:
    """The error the server raised, of the same class of the error tree, from its §8 body."""
    detail = corps.get("erreur") if isinstance(corps, dict) else None
    if not isinstance(detail, dict):
        classe = {
            401: e.ErreurAuthentification,
            403: e.AccesRefuse,
            404: e.Introuvable,
            409: e.Conflit,
            413: e.DonneeInvalide,
            422: e.DonneeInvalide,
            429: e.ErreurAuthentification,
        }.get(statut, e.StockageIndisponible if statut >= 500 else e.DonneeInvalide)
        return classe(f"Réponse inattendue du serveur (HTTP {statut}).")
    classe = getattr(e, str(detail.get("type", "")), None)
    if not (isinstance(classe, type) and issubclass(classe, e.ErreurCpf)):
        classe = {
            2: e.SaisieRequise,
            3: e.ErreurAuthentification,
            4: e.AccesRefuse,
            5: e.Introuvable,
            6: e.Conflit,
            7: e.DonneeInvalide,
            8: e.StockageIndisponible,
        }.get(detail.get("code"), e.ErreurCpf)
    texte = depuis_json(detail.get("texte")) or str(detail.get("message") or "")
    erreur = classe.__new__(classe)
    e.ErreurCpf.__init__(erreur, texte, suggestion=depuis_json(detail.get("suggestion")))
    if "champ" in detail or issubclass(classe, e.DonneeInvalide):
        erreur.champ = detail.get("champ")  # type: ignore[attr-defined]
    if "regle" in detail:
        erreur.regle = detail["regle"]  # type: ignore[attr-defined]
    attente = detail.get("retry_after")
    if attente is not None or classe is e.TropDeTentatives:
        erreur.attente = int(attente or 60)  # type: ignore[attr-defined]
    return erreur


class Client:
    """One HTTPS (or loopback HTTP) connection to the server, kept for the command's
    requests."""

    def __init__(
        self,
        url: str,
        *,
        ca_bundle: Path | None = None,
        delai: float = DELAI_DEFAUT,
        avertir: Callable[[Texte], None] = _rien,
    ) -> None:
        parties = urlsplit(url.strip())
        if parties.scheme not in ("http", "https") or not parties.hostname:
            raise DonneeInvalide(
                (Option("server", url), " : URL http(s)://hôte[:port] attendue."), champ="server"
            )
        if parties.scheme == "http" and not est_local(parties.hostname):
            raise DonneeInvalide(
                (
                    f"Refus de parler en HTTP clair à {parties.hostname} : votre mot de passe et "
                    "votre jeton passeraient en clair sur le réseau. Utilisez https:// ",
                    Option("server"),
                    ".",
                ),
                champ="server",
            )
        self.url = url.strip().rstrip("/")
        self.https = parties.scheme == "https"
        self.hote = parties.hostname
        self.port = parties.port or (443 if self.https else 80)
        self.base = parties.path.rstrip("/")
        self.ca_bundle = ca_bundle
        self.delai = delai
        self.avertir = avertir
        self._connexion: Any = None
        self._servie = False  # the kept connection has already carried an answer

    def _ouvrir(self) -> Any:
        import http.client

        if self._connexion is None:
            if self.https:
                import ssl

                contexte = ssl.create_default_context(
                    cafile=str(self.ca_bundle) if self.ca_bundle else None
                )
                self._connexion = http.client.HTTPSConnection(
                    self.hote, self.port, timeout=self.delai, context=contexte
                )
            else:
                self._connexion = http.client.HTTPConnection(
                    self.hote, self.port, timeout=self.delai
                )
        return self._connexion

    def fermer(self) -> None:
        if self._connexion is not None:
            self._connexion.close()
            self._connexion = None
            self._servie = False

    def appeler(
        self,
        methode: str,
        chemin: str,
        *,
        jeton: str | None = None,
        corps: Any = None,
        requete: dict[str, Any] | None = None,
        flux: Any = None,
        longueur: int | None = None,
        type_contenu: str = "application/json",
        brut: bool = False,
        delai: float | None = None,
    ) -> Any:
        """One request; the JSON result (dates revived), or the server's error raised. With
        ``brut``, the response itself for the caller to read as a stream."""
        import http.client
        import ssl

        cible = self.base + PREFIXE + chemin
        if requete:
            cible += "?" + urlencode(
                [
                    (cle, _param(v))
                    for cle, valeur in requete.items()
                    if valeur is not None
                    for v in (valeur if isinstance(valeur, list) else [valeur])
                ]
            )
        entetes = {"Accept": "application/json", "User-Agent": "cpfadmin"}
        if jeton:
            entetes["Authorization"] = f"Bearer {jeton}"
        donnees: Any = None
        if corps is not None:
            donnees = json.dumps(corps, ensure_ascii=False, default=_param).encode("utf-8")
            entetes["Content-Type"] = "application/json"
        elif flux is not None:
            donnees = flux
            entetes["Content-Type"] = type_contenu
            if longueur is not None:
                entetes["Content-Length"] = str(longueur)
        for essai in (1, 2):
            connexion = self._ouvrir()
            connexion.timeout = delai or self.delai
            if connexion.sock is not None:
                connexion.sock.settimeout(connexion.timeout)
            reprise_sure = self._servie and flux is None
            try:
                connexion.request(methode, cible, body=donnees, headers=entetes)
                reponse = connexion.getresponse()
                self._servie = True
                break
            except ssl.SSLCertVerificationError as x:
                self.fermer()
                raise e.StockageIndisponible(
                    f"Certificat du serveur {self.url} refusé : {x.verify_message}.",
                    suggestion=(
                        "si le serveur a un certificat d'une autorité privée, donnez-la au "
                        'profil (ca_bundle = "/chemin/ca.pem")'
                    ),
                ) from None
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A kept connection the server closed while idle: once more, on a fresh one.
                # Not on a fresh connection: the server may have done the work (a POST is
                # not sent twice on a guess).
                self.fermer()
                if essai == 2 or not reprise_sure:
                    raise e.StockageIndisponible(
                        f"Le serveur {self.url} a fermé la connexion."
                    ) from None
            except (OSError, http.client.HTTPException) as x:
                self.fermer()
                raise e.StockageIndisponible(
                    f"Serveur cpfadmin injoignable ({self.url}) : {_raison(x)}."
                ) from None
        for nom, valeur in reponse.getheaders():
            if nom.lower() == ENTETE_AVERTISSEMENT:
                try:
                    self.avertir(depuis_json(json.loads(valeur)) or "")
                except ValueError:
                    continue
        if brut and reponse.status < 400:
            return reponse
        contenu = reponse.read()
        if reponse.getheader("Connection", "").lower() == "close":
            self.fermer()
        try:
            resultat = json.loads(contenu) if contenu else None
        except ValueError:
            resultat = None
        if reponse.status >= 400:
            erreur = erreur_depuis(reponse.status, resultat)
            if reponse.status == 429:
                attente = reponse.getheader("Retry-After")
                if attente and attente.isdigit():
                    erreur.attente = int(attente)  # type: ignore[attr-defined]
            raise erreur
        return _dates(resultat)


def _param(valeur: Any) -> Any:
    if isinstance(valeur, bool):
        return "true" if valeur else "false"
    if isinstance(valeur, datetime):
        return valeur.isoformat()
    if isinstance(valeur, Path):
        return str(valeur)
    return valeur


def _raison(erreur: BaseException) -> str:
    if isinstance(erreur, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(erreur, TimeoutError):
        return "délai dépassé"
    import socket

    if isinstance(erreur, socket.gaierror):
        return "nom d'hôte inconnu"
    return e.raison_systeme(erreur) if isinstance(erreur, OSError) else type(erreur).__name__


def _seg(valeur: str) -> str:
    return quote(valeur, safe="")


# --- the command groups -------------------------------------------------------------------------
class _Groupe:
    def __init__(self, client: Client) -> None:
        self._client = client

    def _appel(self, methode: str, chemin: str, jeton: str | None = None, **options: Any) -> Any:
        if jeton is None and chemin not in (
            "/connexion",
            "/connexion/verification",
            "/connexion/fin",
        ):
            # Asked without a token, the server says « pas connecté » too; saying it here
            # spares the round trip.
            raise e.NonConnecte()
        return self._client.appeler(methode, chemin, jeton=jeton, **options)


class Connexion(_Groupe):
    def preparer(self) -> None:
        """While the person types: the TLS and HTTP modules, the connection."""
        import threading

        def charger() -> None:
            import contextlib

            with contextlib.suppress(Exception):
                import http.client  # noqa: F401
                import ssl  # noqa: F401

                import keyring  # noqa: F401

        threading.Thread(target=charger, name="cpfadmin-prechargement", daemon=True).start()

    def commencer(self, identifiant: str, mot_de_passe: str) -> dict[str, Any]:
        return self._client.appeler(
            "POST", "/connexion", corps={"identifiant": identifiant, "mot_de_passe": mot_de_passe}
        )

    def verifier_nouveau(self, jeton_etape: str, candidat: str) -> None:
        self._client.appeler(
            "POST",
            "/connexion/verification",
            corps={"jeton_etape": jeton_etape, "candidat": candidat},
        )

    def terminer(
        self,
        jeton_etape: str,
        *,
        nouveau_mot_de_passe: str | None = None,
        cgu_acceptee: str | None = None,
    ) -> dict[str, Any]:
        return self._client.appeler(
            "POST",
            "/connexion/fin",
            corps={
                "jeton_etape": jeton_etape,
                "nouveau_mot_de_passe": nouveau_mot_de_passe,
                "cgu_acceptee": cgu_acceptee,
            },
        )

    def deconnecter(self, jeton: str | None, *, toutes: bool = False) -> dict[str, Any]:
        return self._appel("POST", "/deconnexion", jeton, corps={"toutes": toutes})

    def valide_jusqua(self, jeton: str) -> Any:
        limite = self._appel("GET", "/session", jeton)["valide_jusqua"]
        return datetime.fromisoformat(limite) if limite else None


class Moi(_Groupe):
    def profil(self, jeton: str | None) -> dict[str, Any]:
        donnees = self._appel("GET", "/moi", jeton)
        donnees["serveur"] = self._client.url
        return donnees

    def reauthentification_requise(self, jeton: str | None, **saisies: str | None) -> bool:
        corps = {k: v for k, v in saisies.items() if v is not None}
        return bool(self._appel("POST", "/moi/reauthentification", jeton, corps=corps)["requise"])

    def modifier(
        self, jeton: str | None, *, actuel: str | None = None, **saisies: str | None
    ) -> dict[str, Any]:
        corps = {k: v for k, v in saisies.items() if v is not None}
        if actuel is not None:
            corps["actuel"] = actuel
        return self._appel("PATCH", "/moi", jeton, corps=corps)

    def cgu(self, jeton: str | None) -> dict[str, Any]:
        return self._appel("GET", "/moi/cgu", jeton)

    def accepter_cgu(self, jeton: str | None) -> dict[str, Any]:
        return self._appel("POST", "/moi/cgu", jeton)


class Organismes(_Groupe):
    def ajouter(
        self, jeton: str | None, *, siret: str, raison_sociale: str, type_: str
    ) -> dict[str, Any]:
        corps = {"siret": siret, "raison_sociale": raison_sociale, "type": type_}
        return self._appel("POST", "/organismes", jeton, corps=corps)

    def lister(
        self,
        jeton: str | None,
        *,
        type_: str | None = None,
        statut: str | None = None,
        recherche: str | None = None,
    ) -> list[dict[str, Any]]:
        requete = {"type": type_, "statut": statut, "recherche": recherche}
        return self._appel("GET", "/organismes", jeton, requete=requete)

    def montrer(self, jeton: str | None, siret: str) -> dict[str, Any]:
        return self._appel("GET", f"/organismes/{_seg(siret)}", jeton)

    def modifier(
        self,
        jeton: str | None,
        siret: str,
        *,
        raison_sociale: str | None = None,
        statut: str | None = None,
    ) -> dict[str, Any]:
        corps = {
            k: v
            for k, v in (("raison_sociale", raison_sociale), ("statut", statut))
            if v is not None
        }
        return self._appel("PATCH", f"/organismes/{_seg(siret)}", jeton, corps=corps)

    def designer_administrateur(
        self,
        jeton: str | None,
        siret: str,
        *,
        identifiant: str | None = None,
        donnees: dict[str, str | None] | None = None,
    ) -> dict[str, Any]:
        corps = dict(donnees or {})
        if identifiant is not None:
            corps["identifiant"] = identifiant
        return self._appel("POST", f"/organismes/{_seg(siret)}/administrateur", jeton, corps=corps)


class Gestionnaires(_Groupe):
    def ajouter(
        self,
        jeton: str | None,
        *,
        organisme: str | None = None,
        delegue: bool = False,
        unite: str | None = None,
        niveau: str | None = None,
        **champs: str | None,
    ) -> dict[str, Any]:
        corps = {"organisme": organisme, "delegue": delegue, "unite": unite, "niveau": niveau}
        corps.update(champs)
        return self._appel("POST", "/gestionnaires", jeton, corps=corps)

    def lister(
        self,
        jeton: str | None,
        *,
        organisme: str | None = None,
        unite: str | None = None,
        role: str | None = None,
        statut: str | None = None,
        recherche: str | None = None,
        limite: int | None = None,
    ) -> list[dict[str, Any]]:
        requete = {
            "organisme": organisme,
            "unite": unite,
            "role": role,
            "statut": statut,
            "recherche": recherche,
            "limite": limite,
        }
        return self._appel("GET", "/gestionnaires", jeton, requete=requete)

    def montrer(self, jeton: str | None, identifiant: str) -> dict[str, Any]:
        return self._appel("GET", f"/gestionnaires/{_seg(identifiant)}", jeton)

    def modifier(self, jeton: str | None, identifiant: str, **changements: Any) -> dict[str, Any]:
        corps = {k: v for k, v in changements.items() if v is not None}
        return self._appel("PATCH", f"/gestionnaires/{_seg(identifiant)}", jeton, corps=corps)

    def _action(self, jeton: str | None, identifiant: str, action: str) -> dict[str, Any]:
        return self._appel("POST", f"/gestionnaires/{_seg(identifiant)}/{action}", jeton)

    def suspendre(self, jeton: str | None, identifiant: str) -> dict[str, Any]:
        return self._action(jeton, identifiant, "suspension")

    def reactiver(self, jeton: str | None, identifiant: str) -> dict[str, Any]:
        return self._action(jeton, identifiant, "reactivation")

    def deverrouiller(self, jeton: str | None, identifiant: str) -> dict[str, Any]:
        return self._action(jeton, identifiant, "deverrouillage")

    def supprimer(self, jeton: str | None, identifiant: str) -> dict[str, Any]:
        return self._appel("DELETE", f"/gestionnaires/{_seg(identifiant)}", jeton)


class Unites(_Groupe):
    def ajouter(
        self, jeton: str | None, libelle: str, *, organisme: str | None = None
    ) -> dict[str, Any]:
        corps = {"libelle": libelle, "organisme": organisme}
        return self._appel("POST", "/unites", jeton, corps=corps)

    def lister(self, jeton: str | None, *, organisme: str | None = None) -> list[dict[str, Any]]:
        return self._appel("GET", "/unites", jeton, requete={"organisme": organisme})

    def renommer(
        self, jeton: str | None, ancien: str, nouveau: str, *, organisme: str | None = None
    ) -> dict[str, Any]:
        corps = {"ancien": ancien, "nouveau": nouveau, "organisme": organisme}
        return self._appel("POST", "/unites/renommage", jeton, corps=corps)

    def supprimer(
        self, jeton: str | None, libelle: str, *, organisme: str | None = None
    ) -> dict[str, Any]:
        requete = {"libelle": libelle, "organisme": organisme}
        return self._appel("DELETE", "/unites", jeton, requete=requete)


class MotsDePasse(_Groupe):
    def verifier_actuel(self, jeton: str | None, actuel: str) -> None:
        self._appel("POST", "/mot-de-passe/verification", jeton, corps={"actuel": actuel})

    def verifier_conformite(self, jeton: str | None, candidat: str) -> None:
        self._appel("POST", "/mot-de-passe/conformite", jeton, corps={"candidat": candidat})

    def changer(self, jeton: str | None, actuel: str, nouveau: str) -> dict[str, Any]:
        corps = {"actuel": actuel, "nouveau": nouveau}
        return self._appel("POST", "/mot-de-passe", jeton, corps=corps)

    def renouveler(self, jeton: str | None, identifiant: str) -> dict[str, Any]:
        return self._appel("POST", f"/gestionnaires/{_seg(identifiant)}/renouvellement", jeton)

    def politique(self, jeton: str | None) -> dict[str, Any]:
        return self._appel("GET", "/mot-de-passe/politique", jeton)


class Audit(_Groupe):
    def __init__(self, client: Client, profil: Profil) -> None:
        super().__init__(client)
        self._profil = profil

    def lister(
        self,
        jeton: str | None,
        *,
        organisme: str | None = None,
        depuis: datetime | None = None,
        action: str | None = None,
        identifiant: str | None = None,
        limite: int = 1000,
    ) -> list[dict[str, Any]]:
        requete = {
            "organisme": organisme,
            "depuis": depuis,
            "action": action,
            "identifiant": identifiant,
            "limite": limite,
        }
        return self._appel("GET", "/audit", jeton, requete=requete)

    def verifier(
        self,
        jeton: str | None,
        *,
        points: list[Path] | None = None,
        cles_publiques: dict[Path, str] | None = None,
    ) -> dict[str, Any]:
        """The checkpoints read and authenticated here, against the keys this operator trusts
        (never the server's word for it); the server verifies the chain through them."""
        from cpfadmin.application import points_de_controle as points_

        profil = self._profil
        return points_.verifier(
            points or [],
            lambda: points_.cles_de_confiance(
                cles_publiques or {}, profil.cle_point_de_controle, profil.nom
            ),
            lambda reperes: self.verifier_chaine(jeton, reperes),
        )

    def verifier_chaine(self, jeton: str | None, reperes: dict[int, str]) -> dict[str, Any]:
        corps = {"reperes": [{"seq": s, "condensat": c} for s, c in sorted(reperes.items())]}
        return self._appel("POST", "/audit/verification", jeton, corps=corps)

    def tete(self, jeton: str | None) -> dict[str, Any]:
        return self._appel("GET", "/audit/tete", jeton)

    def prendre_point(
        self,
        jeton: str | None,
        *,
        cle: Path | None = None,
        fichier: Path | None = None,
        ecraser: bool = False,
    ) -> dict[str, Any]:
        """The head verified by the server, signed here: the signing key never leaves this
        machine; the checkpoint names the server as its base."""
        from cpfadmin.application import points_de_controle as points_

        profil = self._profil
        return points_.prendre(
            cle,
            profil.cle_point_de_controle,
            profil.nom,
            fichier,
            ecraser,
            f"serveur {self._client.url}",
            lambda: self.tete(jeton),
        )

    def creer_cle(self, fichier: Path, *, ecraser: bool = False) -> dict[str, Any]:
        """A key is made on this machine, never on the server (nothing of the store)."""
        from cpfadmin.application.points_de_controle import creer_cle

        return creer_cle(fichier, ecraser=ecraser)


class Courrier(_Groupe):
    def lister(
        self, jeton: str | None, *, statut: str | None = None, limite: int = 1000
    ) -> list[dict[str, Any]]:
        return self._appel("GET", "/courrier", jeton, requete={"statut": statut, "limite": limite})

    def envoyer(self, jeton: str | None) -> dict[str, Any]:
        return self._appel("POST", "/courrier/envoi", jeton)


class Cgu(_Groupe):
    def publier(self, jeton: str | None, texte: str, version: str) -> dict[str, Any]:
        return self._appel("POST", "/cgu", jeton, corps={"texte": texte, "version": version})


class Politique(_Groupe):
    def montrer(self, jeton: str | None) -> list[dict[str, Any]]:
        return self._appel("GET", "/politique", jeton)

    def definir(self, jeton: str | None, cle: str, valeur: str) -> dict[str, Any]:
        return self._appel("PUT", f"/politique/{_seg(cle)}", jeton, corps={"valeur": valeur})


class Base:
    """``init`` and ``db`` need the store itself: never through a server."""

    def __getattr__(self, _nom: str) -> Any:
        def refus(*_args: Any, **_options: Any) -> Any:
            raise e.EtatIncompatible(
                (
                    Commande("init"),
                    " et ",
                    Commande("db"),
                    " agissent sur la base elle-même : lancez-les sur le poste du serveur, "
                    "avec un profil local (sans server).",
                )
            )

        return refus


class ImportDistant:
    """An import's outcome as the server returned it, with the interface of the local
    ``Import``: ``entete``, ``total``, ``rejetes``, and its report's lines."""

    def __init__(self, corps: dict[str, Any]) -> None:
        self.entete = corps["entete"]
        self.total = corps["total"]
        self.rejetes = corps["rejetes"]
        self._lignes = corps["lignes"]

    def lignes(
        self, rediger: Callable[[Texte], str | None] = e.rediger
    ) -> Iterator[dict[str, Any]]:
        for ligne in self._lignes:
            yield {**ligne, "raison": rediger(depuis_json(ligne.get("raison")))}

    def fermer(self) -> None:
        return None

    def __enter__(self) -> ImportDistant:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


class Importation(_Groupe):
    def importer(
        self,
        jeton: str | None,
        fichier: str,
        *,
        organisme: str | None = None,
        format_: str | None = None,
        feuille: str | None = None,
        colonnes: list[str] | None = None,
        ignorer_colonnes: list[str] | None = None,
        simulation: bool = False,
        sur_existant: str = "skip",
        creer_unites: bool = False,
        rapport: Path | None = None,
        ecraser: bool = False,
        suivi: Any = None,
        rediger: Callable[[Texte], str | None] = e.rediger,
        livrer: bool = True,
        nom_affiche: str | None = None,
    ) -> ImportDistant:
        """The file uploaded as a stream (a progress bar per 256 KiB sent), the two passes run
        by the server; the report written here when asked."""
        import contextlib
        import sys

        from cpfadmin.application.importation import verifier_rapport

        if jeton is None:
            raise e.NonConnecte()
        verifier_rapport(rapport, ecraser)
        if fichier == "-":
            source, taille, nom = sys.stdin.buffer, None, "-"
        else:
            from cpfadmin.adapters.fichiers import verifier_lisible

            chemin = Path(fichier)
            verifier_lisible(chemin, fichier, format_)
            try:
                source = chemin.open("rb")
                taille = chemin.stat().st_size
            except OSError as x:
                raise DonneeInvalide(
                    f"Lecture impossible de {fichier} : {e.raison_systeme(x)}.", champ="fichier"
                ) from None
            nom = nom_affiche or fichier
        phase = suivi.phase("Envoi", total=taille, unite="octets") if suivi else None
        with contextlib.ExitStack() as pile:
            if fichier != "-":
                pile.callback(source.close)
            avancer = pile.enter_context(phase) if phase is not None else (lambda _n: None)
            morceaux = _morceaux(source, avancer)
            corps = self._client.appeler(
                "POST",
                "/gestionnaires/import",
                jeton=jeton,
                requete={
                    "organisme": organisme,
                    "format": format_,
                    "feuille": feuille,
                    "colonne": colonnes or None,
                    "ignorer_colonne": ignorer_colonnes or None,
                    "simulation": simulation,
                    "sur_existant": sur_existant,
                    "creer_unites": creer_unites,
                    "nom": nom,
                },
                flux=morceaux if taille is None else _Lecteur(source, avancer),
                longueur=taille,
                type_contenu="application/octet-stream",
                delai=DELAI_IMPORT,
            )
        resultat = ImportDistant(corps)
        if suivi is not None:
            suivi.lecture(corps["lecture"])
        if rapport is not None:
            from cpfadmin.application.importation import _ecrire_rapport

            _ecrire_rapport(rapport, resultat.lignes(rediger))
        return resultat

    def exporter(
        self,
        jeton: str | None,
        *,
        organisme: str | None = None,
        unite: str | None = None,
        statut: str | None = None,
        fichier: Path | None = None,
        format_: str | None = None,
        excel: bool | None = None,
        ecraser: bool = False,
    ) -> int:
        """The server's rows, read as a stream and written here as the local export writes
        them."""
        from cpfadmin.adapters.fichiers import ecrire
        from cpfadmin.application.importation import format_export
        from cpfadmin.domain import tableur

        format_ = format_export(fichier, format_)
        reponse = self._appel(
            "GET",
            "/gestionnaires/export",
            jeton,
            requete={"organisme": organisme, "unite": unite, "statut": statut},
            brut=True,
        )

        def lignes() -> Iterator[dict[str, Any]]:
            for ligne in reponse:
                if ligne.strip():
                    yield json.loads(ligne)

        return ecrire(
            fichier, format_, tableur.COLONNES_EXPORT, lignes(), excel=excel, ecraser=ecraser
        )


class _Lecteur:
    """A file as ``http.client`` sends it (``read``), telling the progress bar."""

    def __init__(self, source: Any, avancer: Callable[[int], None]) -> None:
        self.source, self.avancer = source, avancer

    def read(self, n: int = MORCEAU) -> bytes:
        morceau = self.source.read(max(n, MORCEAU))
        if morceau:
            self.avancer(len(morceau))
        return morceau


def _morceaux(source: Any, avancer: Callable[[int], None]) -> Iterator[bytes]:
    while morceau := source.read(MORCEAU):
        avancer(len(morceau))
        yield morceau


# --- the application ----------------------------------------------------------------------------
class ApplicationDistante:
    """The application of a profile whose ``server`` (or ``--server``) names a cpfadmin
    server: the same groups as ``Application``, over HTTP."""

    def __init__(
        self,
        profil: Profil,
        url_serveur: str,
        *,
        avertir: Callable[[Texte], None] = _rien,
    ) -> None:
        self.profil = profil
        self.avertir = avertir
        self.client = Client(url_serveur, ca_bundle=profil.ca_bundle, avertir=avertir)

    def base_affichee(self) -> str:
        return f"serveur {self.client.url}"

    def jetons(self) -> CoffreJetons:
        from cpfadmin.adapters.jetons import CoffreJetons
        from cpfadmin.config import chemins

        return CoffreJetons(
            chemins().donnees,
            self.profil.nom,
            delai=self.profil.reglages.keyring_timeout_seconds,
            avertir=self.avertir,
        )

    @cached_property
    def connexion(self) -> Connexion:
        return Connexion(self.client)

    @cached_property
    def moi(self) -> Moi:
        return Moi(self.client)

    @cached_property
    def organismes(self) -> Organismes:
        return Organismes(self.client)

    @cached_property
    def gestionnaires(self) -> Gestionnaires:
        return Gestionnaires(self.client)

    @cached_property
    def importation(self) -> Importation:
        return Importation(self.client)

    @cached_property
    def unites(self) -> Unites:
        return Unites(self.client)

    @cached_property
    def mots_de_passe(self) -> MotsDePasse:
        return MotsDePasse(self.client)

    @cached_property
    def audit(self) -> Audit:
        return Audit(self.client, self.profil)

    @cached_property
    def courrier(self) -> Courrier:
        return Courrier(self.client)

    @cached_property
    def cgu(self) -> Cgu:
        return Cgu(self.client)

    @cached_property
    def politique(self) -> Politique:
        return Politique(self.client)

    @cached_property
    def base(self) -> Base:
        return Base()
