"""The HTTP API (SPEC §8): every use case of the local application under ``/api/v1/``, JSON in
the §5 keys, errors as ``{"erreur": {"code": EXIT_CODE, "message": …}}`` with the status of
the §8 table, OpenAPI at ``/api/v1/openapi.json``, ``/healthz`` and ``/readyz``.

The routes are thin: each reads its input, calls one use case of ``Application`` with the
request's session token (``Authorization: Bearer …``) and returns its result. The rules, the
unit of work, the policy and the mail are the application's.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, create_model
from starlette.exceptions import HTTPException as StarletteHTTPException

from cpfadmin import __version__
from cpfadmin.application import Application
from cpfadmin.application.gestionnaires import CHAMPS_COMPTE
from cpfadmin.application.noyau import portee_requete
from cpfadmin.domain.codes import CodeSortie, code_pour
from cpfadmin.domain.errors import (
    DelaiDepasse,
    ErreurCpf,
    EtatIncompatible,
    MotDePasseNonConforme,
    StockageIndisponible,
    Texte,
    TropDeTentatives,
    en_json,
)

PREFIXE = "/api/v1"
TAILLE_MAX_DEFAUT = 50 * 1024 * 1024  # an import's upload (SPEC §8)
TAILLE_MAX_JSON = 1024 * 1024  # any other body
DELAI_LECTURE_DEFAUT = 30.0  # seconds a client may take between two pieces of its body
DELAI_REQUETE_DEFAUT = 30.0  # seconds for a whole request (SPEC §8 "request time limits")
DELAI_IMPORT_DEFAUT = 3600.0  # and for an import: its upload, both passes, its e-mails
# After the limit, a request still at work in its thread is answered 503 by the wrapper; its
# unit of work no longer commits (``UniteDeTravail.echeance``), and this margin covers the one
# COMMIT that may have begun just before the limit.
MARGE_ARRET = 1.0
_MORCEAU_EXPORT = 256 * 1024  # bytes per chunk of a streamed export

# Exit code → HTTP status (SPEC §8).
STATUTS = {
    CodeSortie.USAGE: 400,
    CodeSortie.AUTHENTIFICATION: 401,
    CodeSortie.INTERDIT: 403,
    CodeSortie.INTROUVABLE: 404,
    CodeSortie.CONFLIT: 409,
    CodeSortie.DONNEE_INVALIDE: 422,
    CodeSortie.INDISPONIBLE: 503,
    CodeSortie.ERREUR_INATTENDUE: 500,
}
# HTTP status → exit code, for what the framework answers itself (unknown route, bad method).
CODES_HTTP = {
    400: 7,
    401: 3,
    403: 4,
    404: 5,
    405: 2,
    408: 7,
    409: 6,
    413: 7,
    415: 7,
    422: 7,
    429: 3,
    503: 8,
}
ENTETE_AVERTISSEMENT = "Cpfadmin-Avertissement"

journal = logging.getLogger("cpfadmin.acces")
journal_erreurs = logging.getLogger("cpfadmin.serveur")

# The warnings the application gives during one request: sent back as headers.
_avertissements: contextvars.ContextVar[list[Texte] | None] = contextvars.ContextVar(
    "cpfadmin_avertissements", default=None
)


def _avertir(message: Texte) -> None:
    recus = _avertissements.get()
    if recus is not None:
        recus.append(message)


# --- JSON out ----------------------------------------------------------------------------------
def _valeur_json(valeur: Any) -> Any:
    if isinstance(valeur, datetime):
        return (valeur if valeur.tzinfo else valeur.replace(tzinfo=UTC)).isoformat()
    if isinstance(valeur, date):
        return valeur.isoformat()
    if isinstance(valeur, Enum):
        return valeur.value
    if isinstance(valeur, Path):
        return str(valeur)
    if isinstance(valeur, set | frozenset | tuple):
        return list(valeur)
    raise TypeError(type(valeur).__name__)


class Json(JSONResponse):
    """A result as JSON, encoded once by the standard library (the results are plain dicts)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=_valeur_json).encode("utf-8")


def corps_erreur(code: int, message: str, erreur: ErreurCpf | None = None) -> dict[str, Any]:
    """The §8 body. Beside ``code`` and ``message``, what lets a client raise the same error:
    its ``type`` in the error tree, its text and suggestion with their structured hints, the
    field at fault."""
    corps: dict[str, Any] = {"code": int(code), "message": message}
    if erreur is not None:
        corps["type"] = type(erreur).__name__
        corps["texte"] = en_json(erreur.texte)
        if erreur.suggestion is not None:
            corps["suggestion"] = en_json(erreur.suggestion)
        champ = getattr(erreur, "champ", None)
        if champ:
            corps["champ"] = champ
        if isinstance(erreur, MotDePasseNonConforme):
            corps["regle"] = erreur.regle
    return {"erreur": corps}


def reponse_erreur(erreur: ErreurCpf) -> Json:
    code = code_pour(erreur)
    corps = corps_erreur(code, erreur.message, erreur)
    if isinstance(erreur, TropDeTentatives):
        corps["erreur"]["retry_after"] = erreur.attente
        return Json(corps, status_code=429, headers={"Retry-After": str(erreur.attente)})
    return Json(corps, status_code=STATUTS[code])


class RouteJson(APIRoute):
    """A route whose endpoint's plain result (dicts and lists of the §5 keys) is encoded once
    by ``Json``, in the endpoint's own thread — not walked again by FastAPI's generic encoder
    in a second trip through the thread pool."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        import functools
        import inspect

        statut = options.get("status_code") or 200
        if inspect.iscoroutinefunction(endpoint):

            @functools.wraps(endpoint)
            async def en_json_async(*args: Any, **kwargs: Any) -> Any:
                debut = time.perf_counter()
                resultat = await endpoint(*args, **kwargs)
                _duree_application(debut)
                return _en_reponse(resultat, statut)

            enveloppe: Callable[..., Any] = en_json_async
        else:

            @functools.wraps(endpoint)
            def en_json(*args: Any, **kwargs: Any) -> Any:
                debut = time.perf_counter()
                resultat = endpoint(*args, **kwargs)
                _duree_application(debut)
                return _en_reponse(resultat, statut)

            enveloppe = en_json
        super().__init__(path, enveloppe, **options)


def _duree_application(debut: float) -> None:
    """The time the use case took, for the access log (``duree_application_ms``): what the
    request spent outside it is the HTTP layer's."""
    portee = portee_requete.get()
    if portee is not None:
        portee["duree_application"] = time.perf_counter() - debut


def _en_reponse(resultat: Any, statut: int) -> Response:
    return resultat if isinstance(resultat, Response) else Json(resultat, status_code=statut)


# --- the request's session token ------------------------------------------------------------------
_porteur = HTTPBearer(auto_error=False, description="Le jeton de session (POST /api/v1/connexion).")


async def jeton_de(  # async: nothing to wait for, so no hop through the thread pool
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_porteur)],
) -> str | None:
    """The session token; None makes the application answer « pas connecté » (401)."""
    return credentials.credentials.strip() if credentials else None


Jeton = Annotated[str | None, Depends(jeton_de)]


# --- bodies -------------------------------------------------------------------------------------
class Corps(BaseModel):
    # An unknown field is refused (422), not ignored: a typo must not pass in silence.
    model_config = ConfigDict(extra="forbid", str_max_length=100_000)


class Connexion(Corps):
    identifiant: str = Field(max_length=200)
    mot_de_passe: str = Field(max_length=1000)


class VerificationEtape(Corps):
    jeton_etape: str = Field(max_length=200)
    candidat: str = Field(max_length=1000)


class FinConnexion(Corps):
    jeton_etape: str = Field(max_length=200)
    nouveau_mot_de_passe: str | None = Field(default=None, max_length=1000)
    cgu_acceptee: str | None = Field(default=None, max_length=100)


class Deconnexion(Corps):
    toutes: bool = False


class Repere(Corps):
    seq: int = Field(ge=1, description="Numéro d'un événement de la chaîne d'audit.")
    condensat: str = Field(
        pattern="^[0-9a-f]{64}$", description="L'empreinte SHA-256 qu'il doit avoir."
    )


class VerificationAudit(Corps):
    """Les événements par lesquels la chaîne doit passer : ceux des points de contrôle que
    l'opérateur a authentifiés de son côté (leur signature, sa clé de confiance)."""

    reperes: list[Repere] = Field(default_factory=list, max_length=10_000)


class ChampsMoi(Corps):
    email: str | None = None
    telephone_fixe: str | None = None
    telephone_mobile: str | None = None


class ModificationMoi(ChampsMoi):
    actuel: str | None = Field(default=None, max_length=1000)


class NouvelOrganisme(Corps):
    siret: str
    raison_sociale: str
    type: str


class ModificationOrganisme(Corps):
    raison_sociale: str | None = None
    statut: str | None = None


# An account's typed fields, from the domain's table: a new field needs no change here.
ChampsCompte = create_model(
    "ChampsCompte",
    __base__=Corps,
    **{nom: (str | None, None) for nom in CHAMPS_COMPTE},  # type: ignore[call-overload]
)


class Designation(ChampsCompte):  # type: ignore[valid-type,misc]
    identifiant: str | None = None


class NouveauCompte(ChampsCompte):  # type: ignore[valid-type,misc]
    organisme: str | None = None
    unite: str | None = None
    niveau: str | None = None
    delegue: bool = False


class ModificationCompte(ChampsCompte):  # type: ignore[valid-type,misc]
    unite: str | None = None
    sans_unite: bool = False
    niveau: str | None = None
    sans_niveau: bool = False
    delegue: bool | None = None


class NouvelleUnite(Corps):
    libelle: str
    organisme: str | None = None


class RenommageUnite(Corps):
    ancien: str
    nouveau: str
    organisme: str | None = None


class MotDePasseActuel(Corps):
    actuel: str = Field(max_length=1000)


class Candidat(Corps):
    candidat: str = Field(max_length=1000)


class ChangementMotDePasse(Corps):
    actuel: str = Field(max_length=1000)
    nouveau: str = Field(max_length=1000)


class Publication(Corps):
    texte: str = Field(max_length=1_000_000)
    version: str = Field(max_length=100)


class Valeur(Corps):
    valeur: str = Field(max_length=1000)


def _sans_vides(modele: BaseModel) -> dict[str, Any]:
    """The fields the client gave (a field left out is not a field set to null)."""
    return modele.model_dump(exclude_unset=True)


# --- the application ----------------------------------------------------------------------------
def creer_app(
    application: Application | None = None,
    *,
    taille_max_import: int = TAILLE_MAX_DEFAUT,
    delai_lecture: float = DELAI_LECTURE_DEFAUT,
    delai_requete: float = DELAI_REQUETE_DEFAUT,
    delai_import: float = DELAI_IMPORT_DEFAUT,
    relance_courrier: float | None = None,
) -> FastAPI:
    """The API over ``application`` (by default the local one of ``CPFADMIN_PROFILE`` and
    ``CPFADMIN_DATABASE_URL``, as ``cpfadmin serve`` leaves them)."""
    app_locale = application or Application(
        os.environ.get("CPFADMIN_PROFILE") or None,
        os.environ.get("CPFADMIN_DATABASE_URL") or None,
        avertir=_avertir,
        politiques_en_cache=False,
    )

    @contextlib.asynccontextmanager
    async def cycle(_api: FastAPI) -> Any:
        from cpfadmin.serveur.lancement import relancer_courrier

        arret = threading.Event()
        if relance_courrier:
            relancer_courrier(app_locale, arret, relance_courrier)
        yield
        arret.set()

    api = FastAPI(
        lifespan=cycle,
        title="cpfadmin",
        version=__version__,
        description="Administration des habilitations du portail gestionnaire SI CPF (SPEC §8).",
        openapi_url=f"{PREFIXE}/openapi.json",
        docs_url=None,
        redoc_url=None,
        default_response_class=Json,
    )

    @api.exception_handler(ErreurCpf)
    async def _erreur_cpf(request: Request, erreur: ErreurCpf) -> Json:
        if type(erreur) is StockageIndisponible:
            # The store's address and the driver's words are the operator's, not the
            # client's: they go to the server's log, the client learns it may try again.
            requete = request.scope.get("cpfadmin_requete")
            journal_erreurs.error("requête %s : %s", requete, erreur.message)
            erreur = StockageIndisponible(
                f"Base de données du serveur indisponible : réessayez dans un instant (la "
                f"raison est dans le journal du serveur, requête {requete})."
            )
        return reponse_erreur(erreur)

    @api.exception_handler(RequestValidationError)
    async def _invalide(_request: Request, erreur: RequestValidationError) -> Json:
        return Json(corps_erreur(7, _message_validation(erreur)), status_code=422)

    @api.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, erreur: StarletteHTTPException) -> Json:
        message = {
            404: "Ressource introuvable.",
            405: "Méthode non permise sur cette ressource.",
        }.get(erreur.status_code, str(erreur.detail))
        code = CODES_HTTP.get(erreur.status_code, 1)
        return Json(corps_erreur(code, message), status_code=erreur.status_code)

    @api.exception_handler(Exception)
    async def _inattendue(request: Request, erreur: Exception) -> Json:
        journal_erreurs.error(
            "erreur inattendue (%s) pendant la requête %s",
            type(erreur).__name__,
            request.scope.get("cpfadmin_requete"),
            exc_info=erreur if os.environ.get("CPFADMIN_DEBUG") else None,
        )
        return Json(corps_erreur(1, "Erreur inattendue du serveur."), status_code=500)

    @api.get("/healthz", include_in_schema=True, tags=["exploitation"])
    def vivant() -> dict[str, Any]:
        """Le processus répond."""
        return {"statut": "ok", "version": __version__}

    @api.get("/readyz", tags=["exploitation"])
    def pret() -> Response:
        """La base répond et son schéma est à jour (503 sinon)."""
        etat = app_locale.base.etat()  # an ErreurCpf is answered by its handler (503)
        if not etat["a_jour"]:
            return Json(
                corps_erreur(8, "Le schéma de la base n'est pas à jour (cpfadmin db upgrade)."),
                status_code=503,
            )
        return Json({"statut": "pret", "revision": etat["revision_courante"]})

    api.include_router(_routes(app_locale, taille_max_import), prefix=PREFIXE)
    return Hygiene(  # type: ignore[return-value]
        api,
        taille_max=taille_max_import,
        delai_lecture=delai_lecture,
        delai_requete=delai_requete,
        delai_import=delai_import,
    )


def fabrique() -> Any:
    """What ``uvicorn --factory`` calls in each worker."""
    taille = int(os.environ.get("CPFADMIN_SERVE_MAX_UPLOAD", TAILLE_MAX_DEFAUT))
    from cpfadmin.serveur.lancement import RELANCE_COURRIER_SECONDES

    periode = float(os.environ.get("CPFADMIN_SERVE_MAIL_RETRY", RELANCE_COURRIER_SECONDES))
    return creer_app(
        taille_max_import=taille,
        delai_requete=float(os.environ.get("CPFADMIN_SERVE_REQUEST_TIMEOUT", DELAI_REQUETE_DEFAUT)),
        delai_import=float(os.environ.get("CPFADMIN_SERVE_IMPORT_TIMEOUT", DELAI_IMPORT_DEFAUT)),
        relance_courrier=periode or None,
    )


def _message_validation(erreur: RequestValidationError) -> str:
    premiers = []
    for detail in erreur.errors()[:3]:
        lieu = ".".join(str(p) for p in detail.get("loc", ()) if p not in ("body", "query"))
        genre = detail.get("type", "")
        raison = {
            "missing": "manquant",
            "extra_forbidden": "champ inconnu",
            "json_invalid": "JSON invalide",
            "string_too_long": "trop long",
            "string_type": "chaîne attendue",
            "bool_type": "booléen attendu",
            "bool_parsing": "booléen attendu",
            "int_type": "entier attendu",
            "int_parsing": "entier attendu",
            "model_attributes_type": "objet JSON attendu",
            "dict_type": "objet JSON attendu",
            "datetime_parsing": "date attendue",
            "datetime_from_date_parsing": "date attendue",
        }.get(genre, "valeur invalide")
        premiers.append(f"{lieu} : {raison}" if lieu else raison)
    return "Requête invalide : " + " ; ".join(premiers) + "."


def _routes(app: Application, taille_max_import: int) -> APIRouter:
    r = APIRouter(route_class=RouteJson)

    # --- login (SPEC §3, §8) --------------------------------------------------------------------
    @r.post("/connexion", tags=["connexion"])
    def commencer(request: Request, corps: Connexion) -> Any:
        """Étape 1 : identifiant et mot de passe ; renvoie les étapes restantes et un jeton
        d'étape à usage unique. Trop d'échecs depuis une même adresse : 429 et Retry-After."""
        source = request.client.host if request.client else "inconnue"
        return app.connexion.commencer(corps.identifiant, corps.mot_de_passe, source=source)

    @r.post("/connexion/verification", status_code=204, tags=["connexion"])
    def verifier_nouveau(corps: VerificationEtape) -> Response:
        app.connexion.verifier_nouveau(corps.jeton_etape, corps.candidat)
        return Response(status_code=204)

    @r.post("/connexion/fin", tags=["connexion"])
    def terminer(corps: FinConnexion) -> Any:
        """Étape 2 : le nouveau mot de passe, la version des CGU acceptée ; renvoie le jeton
        de session."""
        return app.connexion.terminer(
            corps.jeton_etape,
            nouveau_mot_de_passe=corps.nouveau_mot_de_passe,
            cgu_acceptee=corps.cgu_acceptee,
        )

    @r.post("/deconnexion", tags=["connexion"])
    def deconnecter(jeton: Jeton, corps: Deconnexion | None = None) -> Any:
        return app.connexion.deconnecter(jeton, toutes=bool(corps and corps.toutes))

    @r.get("/session", tags=["connexion"])
    def session(jeton: Jeton) -> Any:
        """Jusqu'à quand la session reste utilisable (null si elle n'ouvre plus rien)."""
        return {"valide_jusqua": app.connexion.valide_jusqua(jeton) if jeton else None}

    # --- me -----------------------------------------------------------------------------------
    @r.get("/moi", tags=["moi"])
    def moi(jeton: Jeton) -> Any:
        return app.moi.profil(jeton)

    @r.post("/moi/reauthentification", tags=["moi"])
    def reauthentification(jeton: Jeton, corps: ChampsMoi) -> Any:
        return {"requise": app.moi.reauthentification_requise(jeton, **_sans_vides(corps))}

    @r.patch("/moi", tags=["moi"])
    def modifier_moi(jeton: Jeton, corps: ModificationMoi) -> Any:
        saisies = _sans_vides(corps)
        actuel = saisies.pop("actuel", None)
        return app.moi.modifier(jeton, actuel=actuel, **saisies)

    @r.get("/moi/cgu", tags=["moi"])
    def cgu(jeton: Jeton) -> Any:
        return app.moi.cgu(jeton)

    @r.post("/moi/cgu", tags=["moi"])
    def accepter_cgu(jeton: Jeton) -> Any:
        return app.moi.accepter_cgu(jeton)

    # --- organismes ----------------------------------------------------------------------------
    @r.post("/organismes", status_code=201, tags=["organismes"])
    def ajouter_organisme(jeton: Jeton, corps: NouvelOrganisme) -> Any:
        return app.organismes.ajouter(
            jeton, siret=corps.siret, raison_sociale=corps.raison_sociale, type_=corps.type
        )

    @r.get("/organismes", tags=["organismes"])
    def lister_organismes(
        jeton: Jeton,
        type: str | None = None,
        statut: str | None = None,
        recherche: str | None = None,
    ) -> Any:
        return app.organismes.lister(jeton, type_=type, statut=statut, recherche=recherche)

    @r.get("/organismes/{siret}", tags=["organismes"])
    def montrer_organisme(jeton: Jeton, siret: str) -> Any:
        return app.organismes.montrer(jeton, siret)

    @r.patch("/organismes/{siret}", tags=["organismes"])
    def modifier_organisme(jeton: Jeton, siret: str, corps: ModificationOrganisme) -> Any:
        return app.organismes.modifier(jeton, siret, **_sans_vides(corps))

    @r.post("/organismes/{siret}/administrateur", tags=["organismes"])
    def designer(jeton: Jeton, siret: str, corps: Designation) -> Any:
        donnees = _sans_vides(corps)
        identifiant = donnees.pop("identifiant", None)
        return app.organismes.designer_administrateur(
            jeton, siret, identifiant=identifiant, donnees=donnees or None
        )

    # --- gestionnaires ---------------------------------------------------------------------------
    @r.post("/gestionnaires", status_code=201, tags=["gestionnaires"])
    def ajouter_compte(jeton: Jeton, corps: NouveauCompte) -> Any:
        champs = corps.model_dump()
        return app.gestionnaires.ajouter(
            jeton,
            organisme=champs.pop("organisme"),
            delegue=champs.pop("delegue"),
            unite=champs.pop("unite"),
            niveau=champs.pop("niveau"),
            **champs,
        )

    @r.get("/gestionnaires", tags=["gestionnaires"])
    def lister_comptes(
        jeton: Jeton,
        organisme: str | None = None,
        unite: str | None = None,
        role: str | None = None,
        statut: str | None = None,
        recherche: str | None = None,
        limite: Annotated[int | None, Query(ge=1)] = None,
    ) -> Any:
        return app.gestionnaires.lister(
            jeton,
            organisme=organisme,
            unite=unite,
            role=role,
            statut=statut,
            recherche=recherche,
            limite=limite,
        )

    @r.get("/gestionnaires/export", tags=["gestionnaires"])
    def exporter(
        jeton: Jeton,
        organisme: str | None = None,
        unite: str | None = None,
        statut: str | None = None,
    ) -> Any:
        """Les comptes avec les colonnes de l'import (NDJSON, une ligne par compte)."""
        from fastapi.responses import StreamingResponse

        def ecrire(rangs: Any) -> Any:
            # Spooled to a private temporary file inside the read (one consistent snapshot),
            # then streamed by chunks: the server's memory stays flat whatever the size.
            f = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the stream below
            try:
                for rang in rangs:
                    f.write(
                        (json.dumps(rang, ensure_ascii=False, default=_valeur_json) + "\n").encode()
                    )
                f.seek(0)
            except BaseException:
                f.close()
                raise
            return f

        fichier = app.importation.parcourir_export(
            jeton, ecrire, organisme=organisme, unite=unite, statut=statut
        )

        def morceaux() -> Iterator[bytes]:
            with fichier:
                while morceau := fichier.read(_MORCEAU_EXPORT):
                    yield morceau

        return StreamingResponse(morceaux(), media_type="application/x-ndjson")

    @r.post("/gestionnaires/import", tags=["gestionnaires"])
    async def importer(
        request: Request,
        jeton: Jeton,
        organisme: str | None = None,
        format: str | None = None,
        feuille: str | None = None,
        colonne: Annotated[list[str] | None, Query()] = None,
        ignorer_colonne: Annotated[list[str] | None, Query()] = None,
        simulation: bool = False,
        sur_existant: str = "skip",
        creer_unites: bool = False,
        nom: str | None = None,
    ) -> Any:
        """Le fichier en corps de requête (CSV, XLSX, ODS, JSON, NDJSON ; 50 Mo au plus),
        écrit sur disque au fil de l'envoi, puis les deux passes de l'import ; renvoie
        l'en-tête et les lignes du rapport, une fois les e-mails des mots de passe temporaires
        remis (comme en local : quand la commande rend la main, ils sont partis)."""
        from starlette.concurrency import run_in_threadpool

        # Streamed to a private temporary file: memory stays flat whatever the size.
        descripteur, nom_temp = tempfile.mkstemp(prefix="cpfadmin-envoi-", suffix=".bin")
        chemin = Path(nom_temp)
        try:
            with os.fdopen(descripteur, "wb") as f:
                async for morceau in request.stream():
                    f.write(morceau)
            resultat = await run_in_threadpool(
                lambda: app.importation.importer(
                    jeton,
                    str(chemin),
                    organisme=organisme,
                    format_=format,
                    feuille=feuille,
                    colonnes=colonne or [],
                    ignorer_colonnes=ignorer_colonne or [],
                    simulation=simulation,
                    sur_existant=sur_existant,
                    creer_unites=creer_unites,
                    nom_affiche=nom,
                )
            )
            with resultat:
                corps = {
                    "entete": resultat.entete,
                    "total": resultat.total,
                    "rejetes": resultat.rejetes,
                    "lecture": resultat.lecture,
                    "lignes": list(resultat.lignes(en_json)),  # type: ignore[arg-type]
                }
        finally:
            chemin.unlink(missing_ok=True)
        return corps

    @r.get("/gestionnaires/{identifiant}", tags=["gestionnaires"])
    def montrer_compte(jeton: Jeton, identifiant: str) -> Any:
        return app.gestionnaires.montrer(jeton, identifiant)

    @r.patch("/gestionnaires/{identifiant}", tags=["gestionnaires"])
    def modifier_compte(jeton: Jeton, identifiant: str, corps: ModificationCompte) -> Any:
        return app.gestionnaires.modifier(jeton, identifiant, **_sans_vides(corps))

    @r.delete("/gestionnaires/{identifiant}", tags=["gestionnaires"])
    def supprimer_compte(jeton: Jeton, identifiant: str) -> Any:
        return app.gestionnaires.supprimer(jeton, identifiant)

    _action(r, "suspension", lambda j, i: app.gestionnaires.suspendre(j, i))
    _action(r, "reactivation", lambda j, i: app.gestionnaires.reactiver(j, i))
    _action(r, "deverrouillage", lambda j, i: app.gestionnaires.deverrouiller(j, i))
    _action(r, "renouvellement", lambda j, i: app.mots_de_passe.renouveler(j, i))

    # --- unités -------------------------------------------------------------------------------
    @r.post("/unites", status_code=201, tags=["unites"])
    def ajouter_unite(jeton: Jeton, corps: NouvelleUnite) -> Any:
        return app.unites.ajouter(jeton, corps.libelle, organisme=corps.organisme)

    @r.get("/unites", tags=["unites"])
    def lister_unites(jeton: Jeton, organisme: str | None = None) -> Any:
        return app.unites.lister(jeton, organisme=organisme)

    @r.post("/unites/renommage", tags=["unites"])
    def renommer_unite(jeton: Jeton, corps: RenommageUnite) -> Any:
        return app.unites.renommer(jeton, corps.ancien, corps.nouveau, organisme=corps.organisme)

    @r.delete("/unites", tags=["unites"])
    def supprimer_unite(jeton: Jeton, libelle: str, organisme: str | None = None) -> Any:
        return app.unites.supprimer(jeton, libelle, organisme=organisme)

    # --- passwords ------------------------------------------------------------------------------
    @r.post("/mot-de-passe/verification", status_code=204, tags=["mot de passe"])
    def verifier_actuel(jeton: Jeton, corps: MotDePasseActuel) -> Response:
        app.mots_de_passe.verifier_actuel(jeton, corps.actuel)
        return Response(status_code=204)

    @r.post("/mot-de-passe/conformite", status_code=204, tags=["mot de passe"])
    def verifier_conformite(jeton: Jeton, corps: Candidat) -> Response:
        app.mots_de_passe.verifier_conformite(jeton, corps.candidat)
        return Response(status_code=204)

    @r.post("/mot-de-passe", tags=["mot de passe"])
    def changer(jeton: Jeton, corps: ChangementMotDePasse) -> Any:
        return app.mots_de_passe.changer(jeton, corps.actuel, corps.nouveau)

    @r.get("/mot-de-passe/politique", tags=["mot de passe"])
    def politique_mot_de_passe(jeton: Jeton) -> Any:
        return app.mots_de_passe.politique(jeton)

    # --- audit, outbox, CGU, policy -----------------------------------------------------------------
    @r.get("/audit", tags=["audit"])
    def audit(
        jeton: Jeton,
        organisme: str | None = None,
        depuis: datetime | None = None,
        action: str | None = None,
        identifiant: str | None = None,
        limite: Annotated[int, Query(ge=1, le=100_000)] = 1000,
    ) -> Any:
        return app.audit.lister(
            jeton,
            organisme=organisme,
            depuis=depuis,
            action=action,
            identifiant=identifiant,
            limite=limite,
        )

    @r.post("/audit/verification", tags=["audit"])
    def verifier_audit(jeton: Jeton, corps: VerificationAudit | None = None) -> Any:
        """La chaîne entière, et à travers chaque repère (sinon réponse 409, code 6)."""
        reperes: dict[int, str] = {}
        for repere in corps.reperes if corps else []:
            if reperes.setdefault(repere.seq, repere.condensat) != repere.condensat:
                raise EtatIncompatible(
                    f"Deux empreintes différentes pour l'événement n° {repere.seq} : la chaîne "
                    "ne peut passer par les deux."
                )
        return app.audit.verifier_chaine(jeton, reperes)

    @r.get("/audit/tete", tags=["audit"])
    def tete_audit(jeton: Jeton) -> Any:
        """La tête de la chaîne vérifiée, ce qu'un point de contrôle signe (opérateurs)."""
        return app.audit.tete(jeton)

    @r.get("/courrier", tags=["courrier"])
    def courrier(
        jeton: Jeton,
        statut: str | None = None,
        limite: Annotated[int, Query(ge=1, le=100_000)] = 1000,
    ) -> Any:
        return app.courrier.lister(jeton, statut=statut, limite=limite)

    @r.post("/courrier/envoi", tags=["courrier"])
    def envoyer(jeton: Jeton) -> Any:
        return app.courrier.envoyer(jeton)

    @r.post("/cgu", status_code=201, tags=["cgu"])
    def publier(jeton: Jeton, corps: Publication) -> Any:
        return app.cgu.publier(jeton, corps.texte, corps.version)

    @r.get("/politique", tags=["politique"])
    def politique(jeton: Jeton) -> Any:
        return app.politique.montrer(jeton)

    @r.put("/politique/{cle}", tags=["politique"])
    def definir(jeton: Jeton, cle: str, corps: Valeur) -> Any:
        return app.politique.definir(jeton, cle, corps.valeur)

    return r


def _action(r: APIRouter, nom: str, cas: Callable[[str | None, str], Any]) -> None:
    def route(jeton: Jeton, identifiant: str) -> Any:
        return cas(jeton, identifiant)

    route.__name__ = nom
    r.post(f"/gestionnaires/{{identifiant}}/{nom}", tags=["gestionnaires"], name=nom)(route)


# --- hygiene: request id, security headers, body limits, access log -------------------------------
ENTETES_SECURITE = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class Hygiene:
    """A pure ASGI wrapper around the API: a request id in every response and log line,
    security headers, the application's warnings as headers, a body size limit (the import's
    upload, 1 MB for anything else), a client that stops sending its body cut off after
    ``delai_lecture`` seconds, a time limit on the whole request (``delai_requete``,
    ``delai_import`` for an import: past it the answer is 503 and its work does not commit),
    one JSON access log line per request — never its body, its query's secrets or its token."""

    def __init__(
        self,
        api: FastAPI,
        *,
        taille_max: int,
        delai_lecture: float,
        delai_requete: float = DELAI_REQUETE_DEFAUT,
        delai_import: float = DELAI_IMPORT_DEFAUT,
    ) -> None:
        self.api = api
        self.taille_max = taille_max
        self.delai_lecture = delai_lecture
        self.delai_requete = delai_requete
        self.delai_import = delai_import

    def __getattr__(self, nom: str) -> Any:  # tests and tools reach the FastAPI app through
        return getattr(self.api, nom)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.api(scope, receive, send)
            return
        import asyncio

        requete = uuid.uuid4().hex
        scope["cpfadmin_requete"] = requete
        avertissements: list[Texte] = []
        jeton = _avertissements.set(avertissements)
        importe = scope.get("path") == f"{PREFIXE}/gestionnaires/import"
        delai = self.delai_import if importe else self.delai_requete
        echeance = time.monotonic() + delai
        # The policy read once per request; the limit every unit of work of it keeps.
        portee: dict[str, Any] = {"echeance": echeance}
        jeton_portee = portee_requete.set(portee)
        debut = time.perf_counter()
        statut = {"code": 500}
        limite = self.taille_max if importe else TAILLE_MAX_JSON
        annoncee = _longueur(scope)
        recu = {"octets": 0}
        repondu = {"fait": False}

        async def envoyer(message: dict[str, Any]) -> None:
            if repondu.get("coupe"):
                return  # answered 503 at the limit: what the late work says goes nowhere
            if message["type"] == "http.response.start":
                repondu["fait"] = True
                statut["code"] = message["status"]
                entetes = list(message.get("headers", []))
                entetes.append((b"x-request-id", requete.encode()))
                entetes.extend(ENTETES_SECURITE)
                if scope.get("scheme") == "https":
                    entetes.append((b"strict-transport-security", b"max-age=31536000"))
                for a in avertissements:
                    valeur = json.dumps(en_json(a), ensure_ascii=True)
                    entetes.append((ENTETE_AVERTISSEMENT.lower().encode(), valeur.encode()))
                message = {**message, "headers": entetes}
            await send(message)

        async def recevoir() -> dict[str, Any]:
            reste = echeance - time.monotonic()
            try:
                message = await asyncio.wait_for(
                    receive(), timeout=max(0.0, min(self.delai_lecture, reste))
                )
            except TimeoutError:
                raise _CorpsRefuse(408, "Corps de requête reçu trop lentement.") from None
            if message["type"] == "http.request":
                recu["octets"] += len(message.get("body", b""))
                if recu["octets"] > limite:
                    raise _CorpsRefuse(413, _trop_gros(limite))
            return message

        try:
            if annoncee is not None and annoncee > limite:
                await _repondre(envoyer, 413, _trop_gros(limite))
            else:
                await self._dans_le_delai(scope, recevoir, envoyer, delai, repondu, importe)
        except _CorpsRefuse as refus:
            if not repondu["fait"]:
                await _repondre(envoyer, refus.statut, refus.message)
        finally:
            _avertissements.reset(jeton)
            portee_requete.reset(jeton_portee)
            journal.info(
                json.dumps(
                    {
                        "horodatage": datetime.now(UTC).isoformat(timespec="milliseconds"),
                        "requete": requete,
                        "client": (scope.get("client") or ("?",))[0],
                        "methode": scope.get("method"),
                        "chemin": scope.get("path"),
                        "statut": statut["code"],
                        "duree_ms": round((time.perf_counter() - debut) * 1000, 1),
                        "octets_recus": recu["octets"],
                        **(
                            {"duree_application_ms": round(portee["duree_application"] * 1000, 1)}
                            if "duree_application" in portee
                            else {}
                        ),
                    },
                    ensure_ascii=False,
                )
            )

    async def _dans_le_delai(
        self,
        scope: dict[str, Any],
        recevoir: Any,
        envoyer: Any,
        delai: float,
        repondu: dict[str, Any],
        importe: bool,
    ) -> None:
        """The API's answer, or 503 once ``delai`` (plus the margin for a COMMIT under way)
        has passed without one. A use case still running in its thread cannot be stopped,
        but it can no longer commit; the wrapper waits for it before the connection closes."""
        import asyncio

        tache = asyncio.ensure_future(self.api(scope, recevoir, envoyer))
        fini, _ = await asyncio.wait({tache}, timeout=delai + MARGE_ARRET)
        if fini:
            tache.result()
            return
        if repondu["fait"]:
            # The answer is under way (an export, read before its first byte): a slow
            # reader is not cut off in the middle of it.
            await tache
            return
        suite = (
            "les lots déjà écrits le restent ; relancez le même import, les comptes "
            "créés seront reconnus"
            if importe
            else "rien n'a été enregistré, réessayez"
        )
        erreur = DelaiDepasse(
            f"Le serveur n'a pas pu terminer la requête dans le délai imparti "
            f"({_duree(delai)}) : {suite}."
        )
        await _repondre(envoyer, 503, erreur.message)
        repondu["coupe"] = True
        with contextlib.suppress(Exception):
            await tache


def _duree(secondes: float) -> str:
    if secondes >= 120:
        return f"{secondes / 60:g} min"
    return f"{secondes:g} s"


class _CorpsRefuse(Exception):
    def __init__(self, statut: int, message: str) -> None:
        super().__init__(message)
        self.statut, self.message = statut, message


def _trop_gros(limite: int) -> str:
    return f"Corps de requête trop volumineux (au plus {limite // (1024 * 1024) or 1} Mo)."


def _longueur(scope: dict[str, Any]) -> int | None:
    for nom, valeur in scope.get("headers", []):
        if nom == b"content-length":
            try:
                return int(valeur)
            except ValueError:
                return None
    return None


async def _repondre(envoyer: Any, statut: int, message: str) -> None:
    corps = json.dumps(corps_erreur(CODES_HTTP[statut], message), ensure_ascii=False).encode()
    await envoyer(
        {
            "type": "http.response.start",
            "status": statut,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(corps)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await envoyer({"type": "http.response.body", "body": corps})
