"""The outbox: messages queued in the transaction of the change that causes them, then
delivered by the configured transport, with retries and back-off. A delivered message's secret
is purged; an undelivered one expires with its temporary password."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cpfadmin.adapters.mail import Envoi, ErreurTransport, Transport
from cpfadmin.domain import messages, validation
from cpfadmin.domain.errors import Commande, DonneeInvalide, TransportNonAdmis
from cpfadmin.domain.permissions import Action, verifier
from cpfadmin.domain.politique import Politiques
from cpfadmin.domain.suggestions import vouliez_vous_dire
from cpfadmin.services.acteur import Acteur
from cpfadmin.store.models import Compte, Message, Organisme
from cpfadmin.store.uow import UniteDeTravail, executer

# While a message is being delivered, it is not due again for this long (a crashed sender
# leaves it to the next run: delivery is at least once).
BAIL = timedelta(minutes=5)
STATUTS = ("en_attente", "envoye", "echec", "expire", "remplace")
LOT = 200


def mettre_en_file_temporaire(
    uow: UniteDeTravail,
    compte: Compte,
    organisme: Organisme,
    temporaire: str,
    url_portail: str,
    *,
    renouvellement: bool = False,
) -> Message:
    """Queue the e-mail carrying a temporary password, in the caller's transaction. Earlier
    undelivered messages of the account are superseded (their secret no longer works)."""
    maintenant = uow.maintenant()
    if compte.id is not None:
        uow.courrier.remplacer_secrets(compte.id)
    courriel = courriel_temporaire(
        compte.prenom,
        compte.nom,
        organisme,
        compte.temporaire_expire_le or maintenant,
        url_portail,
        renouvellement=renouvellement,
    )
    return _mettre_en_file(
        uow, compte, courriel, secret=temporaire, expire_le=compte.temporaire_expire_le
    )


def courriel_temporaire(
    prenom: str,
    nom: str,
    organisme: Organisme,
    expire_le: datetime,
    url_portail: str,
    *,
    renouvellement: bool = False,
) -> messages.Courriel:
    """The e-mail that carries a temporary password (its marker, not the secret)."""
    return messages.mot_de_passe_temporaire(
        prenom=prenom,
        nom=nom,
        raison_sociale=organisme.raison_sociale,
        expire_le=expire_le,
        url_portail=url_portail,
        renouvellement=renouvellement,
    )


def ligne_message(
    compte_id: int | None,
    destinataire: str,
    courriel: messages.Courriel,
    maintenant: datetime,
    *,
    secret: str | None = None,
    expire_le: datetime | None = None,
) -> dict[str, Any]:
    """The columns of a message queued now: the one builder of a single message and of an
    import's thousands."""
    return {
        "compte_id": compte_id,
        "destinataire": destinataire,
        "sujet": courriel.sujet,
        "corps": courriel.corps,
        "secret": secret,
        "statut": "en_attente",
        "tentatives": 0,
        "prochaine_tentative_le": maintenant,
        "cree_le": maintenant,
        "expire_le": expire_le,
    }


def _mettre_en_file(
    uow: UniteDeTravail,
    compte: Compte,
    courriel: messages.Courriel,
    *,
    destinataire: str | None = None,
    secret: str | None = None,
    expire_le: datetime | None = None,
) -> Message:
    message = Message(
        **ligne_message(
            compte.id,
            destinataire or compte.email,
            courriel,
            uow.maintenant(),
            secret=secret,
            expire_le=expire_le,
        )
    )
    return uow.courrier.mettre_en_file(message)


def mettre_en_file_avis(
    uow: UniteDeTravail,
    compte: Compte,
    courriel: messages.Courriel,
    destinataire: str | None = None,
) -> Message:
    """Queue a notice that carries no secret (a lock, a change of address…), in the caller's
    transaction, to the account's address or to ``destinataire``."""
    return _mettre_en_file(uow, compte, courriel, destinataire=destinataire)


def mettre_en_file_avis_email(
    uow: UniteDeTravail, compte: Compte, organisme: Organisme, ancienne_adresse: str
) -> Message:
    """Queue, in the caller's transaction, the notice to the account's former address that its
    e-mail changed (``compte.email`` is already the new one). It carries no secret."""
    courriel = messages.email_modifie(
        prenom=compte.prenom,
        nom=compte.nom,
        raison_sociale=organisme.raison_sociale,
        modifie_le=uow.maintenant(),
        nouvelle_adresse=compte.email,
    )
    return mettre_en_file_avis(uow, compte, courriel, destinataire=ancienne_adresse)


@dataclass
class RapportLivraison:
    envoyes: int = 0
    expires: int = 0
    echecs: list[tuple[int, str, str]] = field(default_factory=list)  # id, destinataire, erreur
    restants: int = 0

    def en_dict(self) -> dict[str, Any]:
        return {
            "envoyes": self.envoyes,
            "expires": self.expires,
            "echecs": [{"id": i, "destinataire": d, "erreur": e} for i, d, e in self.echecs],
            "en_attente": self.restants,
        }


def livrer(
    fabrique: Callable[[], UniteDeTravail],
    transport: Transport,
    expediteur: str,
    *,
    organisme_id: int | None = None,
    compte_id: int | None = None,
    limite: int | None = None,
    essais_immediats: int = 3,
    pause: Callable[[float], None] = time.sleep,
    progression: Callable[[int], None] | None = None,
) -> RapportLivraison:
    """Deliver the due messages (of one organisme or one account, or all). A transport failure is retried
    at once with a short back-off; if it persists the message is rescheduled (1 min, 2, 4…
    up to 1 h) and the run stops, since the next messages would meet the same server.
    ``progression`` is told the number of messages sent so far, after each one."""
    rapport = RapportLivraison()
    try:
        while limite is None or rapport.envoyes < limite:
            lot = executer(
                fabrique, lambda uow: _reserver(uow, organisme_id, expediteur, compte_id)
            )
            if lot.expires:
                rapport.expires += lot.expires
            if not lot.envois:
                break
            resultats: dict[int, str | None] = {}
            arret = False
            for message_id, envoi in lot.envois:
                if arret:
                    resultats[message_id] = "non tenté"
                    continue
                erreur = None
                for essai in range(essais_immediats):
                    try:
                        transport.envoyer(envoi)
                        erreur = None
                        break
                    except ErreurTransport as e:
                        erreur = str(e)
                    except Exception as e:  # a held message always gets a result recorded
                        erreur = f"{type(e).__name__} : {e}"
                    if essai < essais_immediats - 1:
                        pause(0.5 * 2**essai)
                resultats[message_id] = erreur
                if erreur:
                    rapport.echecs.append((message_id, envoi.destinataire, erreur))
                    arret = True
                else:
                    rapport.envoyes += 1
                    if progression is not None:
                        progression(rapport.envoyes)
            executer(fabrique, lambda uow, r=resultats: _enregistrer(uow, r))
            if arret:
                break
    finally:
        transport.fermer()
    rapport.restants = _compter_en_attente(fabrique, organisme_id, compte_id)
    return rapport


@dataclass
class _Lot:
    envois: list[tuple[int, Envoi]]
    expires: int


def _reserver(
    uow: UniteDeTravail,
    organisme_id: int | None,
    expediteur: str,
    compte_id: int | None = None,
) -> _Lot:
    maintenant = uow.maintenant()
    expires = uow.courrier.expirer(maintenant, organisme_id=organisme_id, compte_id=compte_id)
    envois: list[tuple[int, Envoi]] = []
    for m in uow.courrier.reserver(
        maintenant, maintenant + BAIL, LOT, organisme_id=organisme_id, compte_id=compte_id
    ):
        corps = m.corps.replace(messages.MARQUEUR_SECRET, m.secret or "")
        # Unique across stores and profiles sharing a mail directory.
        cle = f"cpfadmin-{m.id}-{int(m.cree_le.timestamp())}-{secrets.token_hex(4)}"
        envoi = Envoi(cle, expediteur, m.destinataire, m.sujet, corps)
        envois.append((m.id, envoi))  # type: ignore[arg-type]
    uow.commit()
    return _Lot(envois, expires)


def _enregistrer(uow: UniteDeTravail, resultats: dict[int, str | None]) -> None:
    maintenant = uow.maintenant()
    for m in uow.courrier.par_ids(resultats):
        erreur = resultats[m.id]  # type: ignore[index]
        if erreur is None:
            m.statut, m.envoye_le, m.secret, m.derniere_erreur = (
                "envoye",
                maintenant,
                None,
                None,
            )
            m.tentatives += 1
        elif erreur == "non tenté":
            m.prochaine_tentative_le = maintenant
        else:
            m.tentatives += 1
            m.derniere_erreur = erreur[:500]
            if m.tentatives >= messages.TENTATIVES_MAX:
                m.statut, m.secret = "echec", None
            else:
                m.prochaine_tentative_le = maintenant + timedelta(
                    seconds=messages.delai_nouvel_essai(m.tentatives)
                )
    uow.commit()
    uow.purger_journal()


def _compter_en_attente(
    fabrique: Callable[[], UniteDeTravail], organisme_id: int | None, compte_id: int | None
) -> int:
    with fabrique() as uow:
        return uow.courrier.compter_en_attente(organisme_id=organisme_id, compte_id=compte_id)


def perimetre(acteur: Acteur) -> int | None:
    """The organisme whose messages the actor may see or send (None: all, for operators).
    Raises ``AccesRefuse`` for a gestionnaire."""
    verifier(Action.MESSAGES_CONSULTER, acteur.habilitation, acteur.organisme_id)
    return None if acteur.est_operateur else acteur.organisme_id


def lister(
    uow: UniteDeTravail,
    acteur: Acteur,
    *,
    statut: str | None = None,
    limite: int = 1000,
) -> list[dict[str, Any]]:
    """Queued and sent messages — never their body nor their secret."""
    organisme_id = perimetre(acteur)
    if statut:
        statut = validation.filtre(statut, "statut", longueur_max=32)
        if statut not in STATUTS:
            raise DonneeInvalide(
                f"statut invalide : « {statut[:30]} » ({', '.join(STATUTS)}).",
                champ="statut",
                suggestion=vouliez_vous_dire(statut, STATUTS),
            )
    lignes = uow.courrier.derniers(organisme_id=organisme_id, statut=statut, limite=limite)
    return [
        {
            "id": m.id,
            "identifiant": identifiant,
            "destinataire": m.destinataire,
            "sujet": m.sujet,
            "statut": m.statut,
            "tentatives": m.tentatives,
            "cree_le": m.cree_le,
            "envoye_le": m.envoye_le,
            "prochaine_tentative_le": m.prochaine_tentative_le
            if m.statut == "en_attente"
            else None,
            "derniere_erreur": m.derniere_erreur,
        }
        for m, identifiant in lignes
    ]


def admettre_transport(transport: str, base_partagee: bool, politiques: Politiques) -> str | None:
    """Two channels (SPEC §3), even with the default transport: ``file`` writes each temporary
    password into the data directory of whoever runs the command, so on a shared store a
    délégué who renews a gestionnaire's password would hold both the identifiant and the
    password. On a shared store (PostgreSQL) it is refused unless the store's policy admits it
    on purpose (``mail_file_transport_shared``, for a test store); then the warning returned is
    given at each command. Raises ``TransportNonAdmis`` (exit 7)."""
    if transport != "file" or not base_partagee:
        return None
    if not politiques.mail_file_transport_shared:
        raise TransportNonAdmis(
            "Le transport de courrier « file » n'est pas admis sur une base partagée "
            "(PostgreSQL) : il écrirait les mots de passe temporaires dans votre propre dossier, "
            "et vous tiendriez à la fois l'identifiant et le mot de passe. Configurez l'envoi "
            'par SMTP dans le profil ([profiles.NOM.mail] transport = "smtp") ; les messages '
            "restent en file d'ici là.",
            suggestion=(Commande("outbox send"), ", une fois SMTP configuré"),
        )
    return (
        "transport de courrier « file » sur une base partagée, admis par la politique "
        "(mail_file_transport_shared) : les mots de passe temporaires sont écrits dans votre "
        "dossier de données, ce qui rompt les deux canaux. À réserver à une base d'essai."
    )
