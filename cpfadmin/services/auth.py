"""Login with its required steps (SPEC §3), sessions, logout.

A login is two short transactions so that no transaction stays open while a person reads the
CGU or types a new password:

1. ``commencer_connexion`` verifies the credentials (one bcrypt verification, or a fast HMAC
   for a temporary password), records a failure or resets the counter, keeps an open step in
   the store (the digest of a short-lived single-use step token, with the credential it
   checked) and returns a ``Defi`` that says which steps remain — and holds no stored secret,
   so it can cross a wire (the server's login protocol, SPEC §8);
2. ``terminer_connexion`` takes the step token back, checks the step is open and the
   account's credentials did not change since step 1, applies the new password and the CGU
   acceptance, closes the step and opens the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cpfadmin.domain import authentifiants, messages, politique_mot_de_passe
from cpfadmin.domain.errors import (
    CguNonAcceptees,
    Commande,
    ErreurAuthentification,
    IdentifiantsInvalides,
    MotDePasseTemporaireExpire,
    NonConnecte,
    Option,
    SaisieRequise,
    SessionExpiree,
    TropDeTentatives,
)
from cpfadmin.domain.identifiant import normaliser_identifiant
from cpfadmin.domain.politique import Politiques
from cpfadmin.domain.roles import Role, StatutCompte, StatutOrganisme, TypeOrganisme
from cpfadmin.services.acteur import Acteur
from cpfadmin.store.models import (
    Compte,
    EtapeConnexion,
    SessionCompte,
)
from cpfadmin.store.uow import UniteDeTravail

# A session's "last seen" is written at most this often, so read commands rarely write.
PRECISION_ACTIVITE = timedelta(seconds=60)


@dataclass(frozen=True)
class CguAffichee:
    version: str
    texte: str


# How long the second step of a login may wait for the first (reading the CGU, choosing a
# password at a prompt).
DUREE_ETAPE = timedelta(minutes=15)


@dataclass(frozen=True)
class Defi:
    """The outcome of a successful credential check, and the steps left before a session. It
    holds nothing the store keeps secret, so it may cross a wire: the second step is bound to
    the first by ``jeton_etape``, short-lived and single-use, whose digest the store keeps with
    the credential that was checked."""

    jeton_etape: str
    identifiant: str
    changement_requis: str | None  # None, "temporaire" or "expire"
    cgu: CguAffichee | None
    politique: politique_mot_de_passe.Politique
    personne: politique_mot_de_passe.DonneesPersonnelles


def duree_verrouillage(verrouillages: int, politiques: Politiques | None = None) -> timedelta:
    """15 minutes for the first lock, doubling at each new one, up to 24 hours (the policy's
    ``lockout_minutes`` and ``lockout_max_hours``)."""
    p = politiques or Politiques()
    return min(p.verrouillage_initial * 2 ** max(0, verrouillages - 1), p.verrouillage_max)


def _politique(compte: Compte, politiques: Politiques) -> politique_mot_de_passe.Politique:
    return politique_mot_de_passe.politique_pour(
        compte.role, expiration_admin_jours=politiques.admin_password_days
    )


def compter_echec(uow: UniteDeTravail, compte: Compte, motif: str) -> None:
    """Count a failure of this account (lock after the fifth), audit and commit."""
    _echec(uow, compte, compte.identifiant, motif)


def oublier_echecs_anciens(compte: Compte, maintenant: datetime, politiques: Politiques) -> None:
    """The failure-reset window (Keycloak's « failure reset time », FreeIPA's failure interval):
    after a quiet period since the last failure, with no lock running, the count and the lock
    level start again from zero — a few guesses a day never add up to a 24-hour lock."""
    if (
        compte.dernier_echec_le is not None
        and not est_verrouille(compte, maintenant)
        and compte.dernier_echec_le + politiques.fenetre_remise_a_zero <= maintenant
    ):
        compte.echecs_consecutifs = 0
        compte.verrouillages = 0


def lever_verrouillage(compte: Compte) -> None:
    """No lock, no failure counted, the lock level back to zero: an unlock or a renewal."""
    compte.verrouille_jusqua = None
    compte.echecs_consecutifs = 0
    compte.verrouillages = 0


def _echec(
    uow: UniteDeTravail,
    compte: Compte | None,
    identifiant: str | None,
    motif: str,
    politiques: Politiques | None = None,
) -> None:
    """Count a failure, lock after the fifth, audit, commit — then the caller raises.

    Every failure is counted against the account it names, whoever sends it: the per-address
    throttle of the server (SPEC §8) will sit in front of this, so that one address cannot lock
    many accounts, without changing what an account's count means."""
    from cpfadmin.services import courrier
    from cpfadmin.services.politique import lire

    details: dict[str, object] = {"motif": motif}
    if compte is not None:
        politiques = politiques or lire(uow)
        maintenant = uow.maintenant()
        organisme = uow.organismes.par_id(compte.organisme_id)
        oublier_echecs_anciens(compte, maintenant, politiques)
        compte.echecs_consecutifs += 1
        compte.dernier_echec_le = maintenant
        if compte.echecs_consecutifs >= politiques.lockout_threshold:
            echecs = compte.echecs_consecutifs
            compte.verrouillages += 1
            duree = duree_verrouillage(compte.verrouillages, politiques)
            compte.verrouille_jusqua = maintenant + duree
            compte.echecs_consecutifs = 0
            uow.auditer(
                "compte_verrouille",
                acteur=compte.identifiant,
                organisme=organisme.siret if organisme else None,
                cible=compte.identifiant,
                details={"duree_minutes": int(duree.total_seconds() // 60)},
            )
            courrier.mettre_en_file_avis(
                uow,
                compte,
                messages.compte_verrouille(
                    prenom=compte.prenom,
                    nom=compte.nom,
                    identifiant=compte.identifiant,
                    echecs=echecs,
                    verrouille_le=maintenant,
                    jusqua=compte.verrouille_jusqua,
                ),
            )
        uow.auditer(
            "connexion_echec",
            acteur=compte.identifiant,
            organisme=organisme.siret if organisme else None,
            cible=compte.identifiant,
            details=details,
        )
    else:
        uow.auditer("connexion_echec", cible=identifiant, details=details)
    uow.commit()


def est_verrouille(compte: Compte, maintenant: datetime) -> bool:
    return authentifiants.est_verrouille(compte.verrouille_jusqua, maintenant)


def commencer_connexion(
    uow: UniteDeTravail,
    saisie_identifiant: str,
    mot_de_passe: str,
    politiques: Politiques,
    anticipation: authentifiants.Anticipation | None = None,
    *,
    source: str | None = None,
) -> Defi:
    """Verify identifiant and password. Raises ``IdentifiantsInvalides`` (the same for an
    unknown identifiant, a wrong password or a locked account), ``MotDePasseTemporaireExpire``,
    or ``ErreurAuthentification`` for a suspended account.

    ``source``: the address a server received the request from. Past
    ``source_throttle_failures`` failures from it in ``source_throttle_minutes``, it is refused
    (``TropDeTentatives``) before any password is checked — so a sprayer is slowed down
    without his tries locking anyone's account."""
    if source is None:
        return _commencer_connexion(uow, saisie_identifiant, mot_de_passe, politiques, anticipation)
    cle = cle_source(source)
    limiter_source(uow, cle, politiques)
    try:
        return _commencer_connexion(uow, saisie_identifiant, mot_de_passe, politiques, anticipation)
    except (IdentifiantsInvalides, MotDePasseTemporaireExpire):
        maintenant = uow.maintenant()
        debut = maintenant - politiques.fenetre_source
        uow.limitations.purger(debut)
        uow.limitations.compter_echec(cle, maintenant, debut)
        uow.commit()
        raise


def cle_source(adresse: str) -> str:
    """What the throttle counts by: an IPv4 address, or the /64 of an IPv6 one (a single
    machine holds a whole /64)."""
    import ipaddress

    try:
        ip = ipaddress.ip_address(adresse.strip())
    except ValueError:
        return adresse.strip()[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


def limiter_source(uow: UniteDeTravail, cle: str, politiques: Politiques) -> None:
    ligne = uow.limitations.lire(cle)
    if ligne is None:
        return
    maintenant = uow.maintenant()
    fin = ligne.debut + politiques.fenetre_source
    if fin > maintenant and ligne.echecs >= politiques.source_throttle_failures:
        raise TropDeTentatives(int((fin - maintenant).total_seconds()) + 1)


def _commencer_connexion(
    uow: UniteDeTravail,
    saisie_identifiant: str,
    mot_de_passe: str,
    politiques: Politiques,
    anticipation: authentifiants.Anticipation | None,
) -> Defi:
    maintenant = uow.maintenant()
    identifiant = normaliser_identifiant(saisie_identifiant)
    compte = uow.comptes.par_identifiant(identifiant, verrouiller=True) if identifiant else None

    if compte is None or est_verrouille(compte, maintenant):
        # Verify against a dummy hash so the answer takes as long as for a wrong password.
        authentifiants.verifier_mot_de_passe(
            mot_de_passe,
            authentifiants.hache_a_verifier(None, True, politiques.bcrypt_cost),
            anticipation,
        )
        if compte is None:
            _echec(uow, None, identifiant, "identifiant_inconnu")
        else:
            organisme = uow.organismes.par_id(compte.organisme_id)
            uow.auditer(
                "connexion_refusee",
                acteur=compte.identifiant,
                organisme=organisme.siret if organisme else None,
                cible=compte.identifiant,
                details={"motif": "compte_verrouille"},
            )
            uow.commit()
        raise IdentifiantsInvalides()

    changement: str | None = None
    if compte.temporaire_condensat and authentifiants.verifier_temporaire(
        mot_de_passe, compte.temporaire_condensat
    ):
        if compte.temporaire_expire_le is None or compte.temporaire_expire_le <= maintenant:
            _echec(uow, compte, identifiant, "temporaire_expire", politiques)
            raise MotDePasseTemporaireExpire()
        changement, empreinte = "temporaire", compte.temporaire_condensat
    elif compte.mot_de_passe_hache and authentifiants.verifier_mot_de_passe(
        mot_de_passe, compte.mot_de_passe_hache, anticipation
    ):
        empreinte = compte.mot_de_passe_hache
        politique = _politique(compte, politiques)
        change_le = compte.mot_de_passe_change_le or compte.cree_le
        if (
            politique.expiration_jours
            and change_le + timedelta(days=politique.expiration_jours) <= maintenant
        ):
            changement = "expire"
        elif authentifiants.doit_rehacher(empreinte, politiques.bcrypt_cost):
            compte.mot_de_passe_hache = authentifiants.hacher_mot_de_passe(
                mot_de_passe, politiques.bcrypt_cost
            )
            empreinte = compte.mot_de_passe_hache
    else:
        if not compte.mot_de_passe_hache:
            authentifiants.verifier_mot_de_passe(
                mot_de_passe,
                authentifiants.hache_a_verifier(None, False, politiques.bcrypt_cost),
                anticipation,
            )
        _echec(uow, compte, identifiant, "mot_de_passe_incorrect", politiques)
        raise IdentifiantsInvalides()

    organisme = uow.organismes.par_id(compte.organisme_id)
    assert organisme is not None
    if compte.statut != StatutCompte.ACTIF.value or organisme.statut != StatutOrganisme.ACTIF.value:
        uow.auditer(
            "connexion_refusee",
            acteur=compte.identifiant,
            organisme=organisme.siret,
            cible=compte.identifiant,
            details={
                "motif": "compte_inactif" if compte.statut != "actif" else "organisme_suspendu"
            },
        )
        uow.commit()
        raise ErreurAuthentification(
            "Compte ou organisme suspendu : contactez votre administrateur."
        )

    compte.echecs_consecutifs = 0
    cgu = uow.cgu.courante()
    cgu_a_accepter = (
        CguAffichee(cgu.version, cgu.texte)
        if cgu is not None and uow.cgu.acceptation(compte.id, cgu.id) is None  # type: ignore[arg-type]
        else None
    )
    jeton_etape = authentifiants.generer_jeton()
    uow.etapes.purger(maintenant)
    uow.etapes.ajouter(
        EtapeConnexion(
            condensat=authentifiants.condenser_jeton(jeton_etape),
            compte_id=compte.id,  # type: ignore[arg-type]
            empreinte=empreinte,
            changement_requis=changement,
            cree_le=maintenant,
            expire_le=maintenant + DUREE_ETAPE,
        )
    )
    uow.commit()
    return Defi(
        jeton_etape=jeton_etape,
        identifiant=compte.identifiant,
        changement_requis=changement,
        cgu=cgu_a_accepter,
        politique=_politique(compte, politiques),
        personne=politique_mot_de_passe.DonneesPersonnelles(
            compte.identifiant, compte.nom, compte.prenom, compte.email
        ),
    )


def verifier_nouveau_mot_de_passe(
    uow: UniteDeTravail, compte: Compte, nouveau: str, politiques: Politiques
) -> None:
    """Raise ``MotDePasseNonConforme`` naming the rule the new password breaks, including the
    last passwords of the account."""
    politique = _politique(compte, politiques)
    if compte.temporaire_condensat and authentifiants.verifier_temporaire(
        nouveau, compte.temporaire_condensat
    ):
        # It went by e-mail: whoever read the message would hold the password (issue 13).
        from cpfadmin.domain.errors import MotDePasseNonConforme

        raise MotDePasseNonConforme(
            "temporaire",
            "Le mot de passe temporaire reçu par e-mail ne peut pas devenir votre mot de "
            "passe : choisissez-en un nouveau.",
        )
    anciens = uow.comptes.historique(compte.id, politique.historique)  # type: ignore[arg-type]
    if compte.mot_de_passe_hache and compte.mot_de_passe_hache not in anciens:
        anciens = [compte.mot_de_passe_hache, *anciens][: politique.historique]
    politique_mot_de_passe.verifier(
        nouveau,
        politique,
        politique_mot_de_passe.DonneesPersonnelles(
            compte.identifiant, compte.nom, compte.prenom, compte.email
        ),
        deja_utilise=lambda mdp: any(authentifiants.verifier_mot_de_passe(mdp, h) for h in anciens),
    )


def verifier_nouveau_pour_etape(
    uow: UniteDeTravail, jeton_etape: str, nouveau: str, politiques: Politiques
) -> None:
    """Check a new password against the policy before the login goes on (prompt loops); the
    step stays open."""
    _, compte = _etape(uow, jeton_etape)
    verifier_nouveau_mot_de_passe(uow, compte, nouveau, politiques)


def _etape(
    uow: UniteDeTravail, jeton_etape: str, *, verrouiller: bool = False
) -> tuple[EtapeConnexion, Compte]:
    """The open step of ``jeton_etape`` and its account, unchanged since the first step;
    otherwise the login starts again (``ErreurAuthentification``)."""
    etape = uow.etapes.par_condensat(authentifiants.condenser_jeton(jeton_etape))
    if etape is None or etape.expire_le <= uow.maintenant():
        raise ErreurAuthentification(
            "Étape de connexion expirée ou déjà terminée : recommencez la connexion."
        )
    compte = uow.comptes.par_id(etape.compte_id, verrouiller=verrouiller)
    actuelle = (
        (
            compte.temporaire_condensat
            if etape.changement_requis == "temporaire"
            else compte.mot_de_passe_hache
        )
        if compte
        else None
    )
    if compte is None or actuelle != etape.empreinte or compte.statut != StatutCompte.ACTIF.value:
        raise ErreurAuthentification(
            "Les identifiants du compte ont changé pendant la connexion : recommencez."
        )
    return etape, compte


def definir_mot_de_passe(
    uow: UniteDeTravail, compte: Compte, nouveau: str, politiques: Politiques
) -> None:
    """Set a chosen password (already checked), keep it in the history, clear any temporary
    one."""
    maintenant = uow.maintenant()
    compte.mot_de_passe_hache = authentifiants.hacher_mot_de_passe(nouveau, politiques.bcrypt_cost)
    compte.mot_de_passe_change_le = maintenant
    compte.temporaire_condensat = None
    compte.temporaire_expire_le = None
    compte.modifie_le = maintenant
    uow.comptes.historiser(compte.id, compte.mot_de_passe_hache, maintenant)  # type: ignore[arg-type]


def message_cgu_refusees(changement: str | None) -> str:
    """What a refusal of the CGU leaves behind: no session, and — when this login changed the
    password — that the new one is saved and the previous one no longer works."""
    message = CguNonAcceptees.message
    if changement == "temporaire":
        message += (
            " Votre nouveau mot de passe est enregistré ; le mot de passe temporaire ne "
            "fonctionne plus."
        )
    elif changement:
        message += " Votre nouveau mot de passe est enregistré ; l'ancien ne fonctionne plus."
    return message


@dataclass(frozen=True)
class SessionOuverte:
    jeton: str
    identifiant: str
    expire_le: datetime
    mot_de_passe_change: bool
    cgu_acceptee: str | None


def terminer_connexion(
    uow: UniteDeTravail,
    jeton_etape: str,
    politiques: Politiques,
    *,
    nouveau_mot_de_passe: str | None = None,
    cgu_acceptee: str | None = None,
) -> SessionOuverte:
    """Apply the required steps of the login that ``jeton_etape`` continues and open a
    session. ``cgu_acceptee`` is the version of the CGU the person accepted: the one in force,
    or they are refused. A new password that breaks the policy raises ``MotDePasseNonConforme``
    and changes nothing (a temporary password stays usable); refused CGU raise
    ``CguNonAcceptees`` after the password change is saved."""
    maintenant = uow.maintenant()
    etape, compte = _etape(uow, jeton_etape, verrouiller=True)
    # Single use: the step is gone with the transaction that ends the login (a refused new
    # password rolls it back, and the step stays open for another try).
    uow.etapes.retirer(etape)
    changement_requis = etape.changement_requis
    organisme = uow.organismes.par_id(compte.organisme_id)
    assert organisme is not None

    mot_de_passe_change = False
    if changement_requis:
        if nouveau_mot_de_passe is None:
            raise SaisieRequise(
                (
                    "Un nouveau mot de passe est requis (ligne 2 de ",
                    Option("password_stdin"),
                    ", ou invite).",
                ),
            )
        verifier_nouveau_mot_de_passe(uow, compte, nouveau_mot_de_passe, politiques)
        definir_mot_de_passe(uow, compte, nouveau_mot_de_passe, politiques)
        uow.sessions_compte.revoquer_toutes(compte.id, maintenant)  # type: ignore[arg-type]
        uow.auditer(
            "mot_de_passe_change",
            acteur=compte.identifiant,
            organisme=organisme.siret,
            cible=compte.identifiant,
            details={"contexte": "connexion", "raison": changement_requis},
        )
        mot_de_passe_change = True

    cgu = uow.cgu.courante()
    version_acceptee = None
    if cgu is not None and uow.cgu.acceptation(compte.id, cgu.id) is None:  # type: ignore[arg-type]
        if cgu_acceptee != cgu.version:
            uow.auditer(
                "cgu_refusees",
                acteur=compte.identifiant,
                organisme=organisme.siret,
                cible=compte.identifiant,
                details={"cgu_version": cgu.version},
            )
            uow.commit()
            raise CguNonAcceptees(
                message_cgu_refusees(changement_requis if mot_de_passe_change else None),
                suggestion=Commande("login", compte.identifiant, Option("accept_cgu")),
            )
        uow.cgu.accepter(compte.id, cgu.id, maintenant)  # type: ignore[arg-type]
        uow.auditer(
            "cgu_acceptees",
            acteur=compte.identifiant,
            organisme=organisme.siret,
            cible=compte.identifiant,
            details={"cgu_version": cgu.version},
        )
        version_acceptee = cgu.version

    jeton = authentifiants.generer_jeton()
    expire_le = maintenant + timedelta(hours=politiques.session_absolute_hours)
    uow.sessions_compte.ajouter(
        SessionCompte(
            compte_id=compte.id,  # type: ignore[arg-type]
            jeton_condensat=authentifiants.condenser_jeton(jeton),
            cree_le=maintenant,
            expire_le=expire_le,
            vue_le=maintenant,
        )
    )
    compte.derniere_connexion_le = maintenant
    compte.echecs_consecutifs = 0
    uow.auditer(
        "connexion_reussie",
        acteur=compte.identifiant,
        organisme=organisme.siret,
        cible=compte.identifiant,
    )
    uow.commit()
    return SessionOuverte(
        jeton, compte.identifiant, expire_le, mot_de_passe_change, version_acceptee
    )


def authentifier(uow: UniteDeTravail, jeton: str | None, politiques: Politiques) -> Acteur:
    """The account behind a session token. Raises ``NonConnecte`` or ``SessionExpiree``."""
    if not jeton:
        raise NonConnecte()
    session = uow.sessions_compte.par_condensat(authentifiants.condenser_jeton(jeton))
    if session is None:
        raise NonConnecte("Session inconnue ou révoquée.")
    maintenant = uow.maintenant()
    if session.revoquee_le is not None:
        raise SessionExpiree("Session terminée (déconnexion ou révocation).")
    if session.expire_le <= maintenant:
        raise SessionExpiree("Session expirée (durée maximale atteinte).")
    if session.vue_le + timedelta(minutes=politiques.session_idle_minutes) <= maintenant:
        raise SessionExpiree("Session expirée après une période d'inactivité.")
    compte = uow.comptes.par_id(session.compte_id)
    organisme = uow.organismes.par_id(compte.organisme_id) if compte else None
    if compte is None or organisme is None or compte.statut != StatutCompte.ACTIF.value:
        raise SessionExpiree("Session terminée : le compte n'est plus actif.")
    if organisme.statut != StatutOrganisme.ACTIF.value:
        raise ErreurAuthentification("Organisme suspendu : contactez la Caisse des Dépôts.")
    if maintenant - session.vue_le >= PRECISION_ACTIVITE:
        session.vue_le = maintenant
        uow.commit()
    return Acteur(
        compte_id=compte.id,  # type: ignore[arg-type]
        identifiant=compte.identifiant,
        organisme_id=organisme.id,  # type: ignore[arg-type]
        organisme_siret=organisme.siret,
        organisme_type=TypeOrganisme(organisme.type),
        role=Role(compte.role),
        session_id=session.id,  # type: ignore[arg-type]
        session_expire_le=min(
            session.expire_le, maintenant + timedelta(minutes=politiques.session_idle_minutes)
        ),
        session_fin_le=session.expire_le,
    )


def session_valide(uow: UniteDeTravail, jeton: str, politiques: Politiques) -> datetime | None:
    """Until when the session of ``jeton`` stays usable if unused, or None when it no longer
    opens anything (unknown, revoked, expired, account no longer active). Writes nothing: a
    listing of sessions does not count as activity."""
    session = uow.sessions_compte.par_condensat(authentifiants.condenser_jeton(jeton))
    if session is None or session.revoquee_le is not None:
        return None
    limite = min(
        session.expire_le, session.vue_le + timedelta(minutes=politiques.session_idle_minutes)
    )
    compte = uow.comptes.par_id(session.compte_id)
    if limite <= uow.maintenant() or compte is None or compte.statut != StatutCompte.ACTIF.value:
        return None
    return limite


def deconnecter(uow: UniteDeTravail, acteur: Acteur, *, toutes: bool = False) -> int:
    """End this session, or every session of the account; returns how many were ended."""
    maintenant = uow.maintenant()
    if toutes:
        n = uow.sessions_compte.revoquer_toutes(acteur.compte_id, maintenant)
    else:
        session = uow.sessions_compte.par_id(acteur.session_id)
        n = 0
        if session is not None and session.revoquee_le is None:
            session.revoquee_le = maintenant
            n = 1
    uow.auditer(
        "deconnexion",
        acteur=acteur.identifiant,
        organisme=acteur.organisme_siret,
        cible=acteur.identifiant,
        details={"sessions": n, "toutes": toutes},
    )
    uow.commit()
    return n
