"""The habilitation console through the services: what they guarantee in the store —
atomic designation and a single active principal admin, refusals that write nothing, soft
removal and never-reused identifiants, revoked sessions, unités, CGU, own data — and the audit
event each change leaves."""

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from cpfadmin.cli.redaction import suggestion
from cpfadmin.domain.errors import (
    AccesRefuse,
    CguNonAcceptees,
    DejaExistant,
    DonneeInvalide,
    EtatIncompatible,
    Introuvable,
    SaisieRequise,
)
from cpfadmin.domain.politique import Politiques
from cpfadmin.services import auth, cgu, comptes, gestionnaires, organismes, unites
from cpfadmin.services.acteur import Acteur
from cpfadmin.store import comptes as depot_comptes
from cpfadmin.store.models import (
    Compte,
    EvenementAudit,
    Message,
    Organisme,
    SessionCompte,
    Unite,
)
from tests.services.helpers import (
    NOUVEAU_ADMIN,
    NOUVEAU_GESTIONNAIRE,
    connexion,
    initialiser_base,
    premiere_connexion,
)

SIRET = "73282932000074"
SIRET_AUTRE = "55210055400013"
URL_PORTAIL = "https://portail.example/login"


# --- a small world: the operator, an employer and its principal admin -----------------------
@dataclass
class Monde:
    uow: Any
    politiques: Politiques
    op: Acteur
    ap: Acteur

    def __call__(self, fonction, *args, **kwargs):
        """Run a service in a fresh unit of work."""
        with self.uow() as u:
            return fonction(u, *args, **kwargs)

    def ajouter(self, acteur, nom, prenom, email, **champs) -> str:
        champs.setdefault("telephone_mobile", "0611223344")
        cree = self(
            gestionnaires.ajouter,
            acteur,
            self.politiques,
            URL_PORTAIL,
            organisme_siret=champs.pop("organisme_siret", None),
            nom=nom,
            prenom=prenom,
            email=email,
            **champs,
        )
        return cree.identifiant

    def temporaire(self, identifiant: str) -> str:
        """The temporary password queued for the account's e-mail."""
        with self.uow() as u:
            return u.session.exec(
                select(Message.secret)
                .join(Compte, col(Compte.id) == col(Message.compte_id))
                .where(
                    Compte.identifiant == identifiant,
                    Message.statut == "en_attente",
                    col(Message.secret).is_not(None),
                )
                .order_by(col(Message.id).desc())
            ).first()

    def session(self, identifiant: str, nouveau: str = NOUVEAU_GESTIONNAIRE):
        return premiere_connexion(
            self.uow, self.politiques, identifiant, self.temporaire(identifiant), nouveau
        )

    def acteur(self, jeton: str) -> Acteur:
        with self.uow() as u:
            return auth.authentifier(u, jeton, self.politiques)

    def compte(self, identifiant: str) -> Compte:
        with self.uow() as u:
            return u.comptes.par_identifiant(identifiant)

    def comptage(self) -> dict[str, int]:
        with self.uow() as u:
            return {
                m.__tablename__: u.session.exec(select(func.count()).select_from(m)).one()
                for m in (Organisme, Compte, Unite, EvenementAudit, Message, SessionCompte)
            }

    def evenements(self, action: str | None = None) -> list[EvenementAudit]:
        with self.uow() as u:
            requete = select(EvenementAudit).order_by(col(EvenementAudit.seq))
            if action:
                requete = requete.where(EvenementAudit.action == action)
            return list(u.session.exec(requete))

    def dernier(self, action: str) -> EvenementAudit:
        trouves = self.evenements(action)
        assert trouves, action
        return trouves[-1]

    def principaux_actifs(self, siret: str = SIRET) -> list[str]:
        with self.uow() as u:
            return list(
                u.session.exec(
                    select(Compte.identifiant)
                    .join(Organisme, col(Organisme.id) == col(Compte.organisme_id))
                    .where(
                        Organisme.siret == siret,
                        Compte.role == "administrateur_principal",
                        Compte.statut == "actif",
                    )
                )
            )

    def sessions_ouvertes(self, identifiant: str) -> int:
        with self.uow() as u:
            return u.session.exec(
                select(func.count())
                .select_from(SessionCompte)
                .join(Compte, col(Compte.id) == col(SessionCompte.compte_id))
                .where(Compte.identifiant == identifiant, col(SessionCompte.revoquee_le).is_(None))
            ).one()


@pytest.fixture
def monde(uow, politiques):
    init = initialiser_base(uow, politiques)
    session_op = premiere_connexion(
        uow, politiques, init.identifiant, init.mot_de_passe_temporaire, NOUVEAU_ADMIN
    )
    m = Monde(uow, politiques, None, None)  # type: ignore[arg-type]
    m.op = m.acteur(session_op.jeton)
    m(organismes.ajouter, m.op, siret=SIRET, raison_sociale="Transports Lumière SAS",
      type_="employeur_prive")  # fmt: skip
    designation = m(
        organismes.designer_administrateur,
        m.op,
        politiques,
        URL_PORTAIL,
        SIRET,
        donnees={
            "nom": "Bernard",
            "prenom": "Chloé",
            "email": "chloe.bernard@lumiere.example",
            "telephone_fixe": "0472000000",
            "telephone_mobile": None,
        },
    )
    m.ap = m.acteur(m.session(designation.identifiant, NOUVEAU_ADMIN).jeton)
    return m


# --- adding: validation writes nothing --------------------------------------------------------
@pytest.mark.parametrize(
    "champs, erreur, champ",
    [
        ({"telephone_mobile": None}, DonneeInvalide, "telephone"),
        ({"telephone_mobile": "0612"}, DonneeInvalide, "telephone_mobile"),
        ({"email": "paul@"}, DonneeInvalide, "email"),
        ({"organisme_siret": "73282932000075"}, DonneeInvalide, "siret"),
        ({"unite": "Inconnue"}, DonneeInvalide, "unite"),
        ({"niveau": "tout"}, DonneeInvalide, "niveau_habilitation"),
        ({"nom": "  "}, DonneeInvalide, "nom"),
        ({"organisme_siret": "73282932000017"}, Introuvable, None),
        ({"email": "Chloe.Bernard@LUMIERE.example"}, DejaExistant, None),
    ],
)
def test_a_refused_addition_writes_no_account_event_or_message(monde, champs, erreur, champ):
    avant = monde.comptage()
    champs = {"email": "paul.durand@lumiere.example", **champs}
    with pytest.raises(erreur) as e:
        monde.ajouter(monde.ap, champs.pop("nom", "Durand"), "Paul", champs.pop("email"), **champs)
    if champ:
        assert e.value.champ == champ
    assert monde.comptage() == avant


def test_an_added_account_gets_its_fields_normalised_and_a_queued_temporary_password(monde):
    monde(unites.ajouter, monde.ap, "Service paie")
    g = monde.ajouter(
        monde.ap,
        " Durand ",
        "Paul",
        "Paul.Durand@LUMIERE.example",
        telephone_fixe="04 72 10 20 30",
        unite="service PAIE",
        niveau="Gestion",
    )
    compte = monde.compte(g)
    assert (compte.nom, compte.email, compte.telephone_fixe, compte.telephone_mobile) == (
        "Durand",
        "Paul.Durand@lumiere.example",
        "+33472102030",
        "+33611223344",
    )
    assert (compte.role, compte.statut, compte.niveau_habilitation) == (
        "gestionnaire",
        "actif",
        "gestion",
    )
    assert compte.mot_de_passe_hache is None and compte.temporaire_condensat
    temporaire = monde.temporaire(g)
    assert temporaire and temporaire not in compte.temporaire_condensat
    vue = monde(gestionnaires.montrer, monde.ap, g)
    assert vue["unite"] == "Service paie"
    assert temporaire not in repr(vue)


def test_a_delegated_admin_adds_gestionnaires_but_not_delegated_admins(monde):
    ad = monde.ajouter(monde.ap, "Petit", "Inès", "ines.petit@lumiere.example", delegue=True)
    assert monde.compte(ad).role == "administrateur_delegue"
    acteur_ad = monde.acteur(monde.session(ad, NOUVEAU_ADMIN).jeton)
    monde.ajouter(acteur_ad, "Durand", "Paul", "paul.durand@lumiere.example")
    avant = monde.comptage()
    with pytest.raises(AccesRefuse):
        monde.ajouter(acteur_ad, "Roux", "Jules", "jules.roux@lumiere.example", delegue=True)
    assert monde.comptage() == avant


# --- designation: one active principal admin at all times -----------------------------------
def test_the_store_itself_refuses_a_second_active_principal_admin(monde):
    g = monde.ajouter(monde.ap, "Durand", "Paul", "paul.durand@lumiere.example")
    with monde.uow() as u, pytest.raises(IntegrityError):
        u.session.execute(
            text("UPDATE compte SET role = 'administrateur_principal' WHERE identifiant = :i"),
            {"i": g},
        )
        u.session.flush()
    assert monde.principaux_actifs() == [monde.ap.identifiant]


def test_promoting_a_member_demotes_the_previous_principal_admin_in_one_transaction(monde):
    membre = monde.ajouter(monde.ap, "Petit", "Inès", "ines.petit@lumiere.example")
    avant = monde.comptage()
    d = monde(
        organismes.designer_administrateur, monde.op, monde.politiques, URL_PORTAIL, SIRET,
        identifiant=membre,
    )  # fmt: skip
    assert (d.identifiant, d.cree, d.ancien_administrateur) == (membre, False, monde.ap.identifiant)
    assert monde.principaux_actifs() == [membre]
    assert monde.compte(monde.ap.identifiant).role == "administrateur_delegue"
    apres = monde.comptage()
    assert apres["compte"] == avant["compte"] and apres["message"] == avant["message"]
    assert apres["evenement_audit"] == avant["evenement_audit"] + 1


def test_a_designation_failing_midway_leaves_the_previous_principal_admin(monde, monkeypatch):
    from cpfadmin.services import courrier

    def panne(*_args, **_kwargs):
        raise RuntimeError("panne pendant la mise en file")

    monkeypatch.setattr(courrier, "mettre_en_file_temporaire", panne)
    avant = monde.comptage()
    with pytest.raises(RuntimeError):
        monde(
            organismes.designer_administrateur, monde.op, monde.politiques, URL_PORTAIL, SIRET,
            donnees={"nom": "Moreau", "prenom": "Hélène", "email": "helene@lumiere.example",
                     "telephone_fixe": None, "telephone_mobile": "0611223344"},
        )  # fmt: skip
    assert monde.principaux_actifs() == [monde.ap.identifiant]
    assert monde.comptage() == avant


def test_designation_refusals_change_nobody(monde):
    monde(organismes.ajouter, monde.op, siret=SIRET_AUTRE, raison_sociale="Autre",
          type_="opco")  # fmt: skip
    etranger = monde.ajouter(
        monde.op, "Roux", "Jules", "jules@autre.example", organisme_siret=SIRET_AUTRE
    )
    avant = monde.comptage()

    def designer(acteur=None, **kwargs):
        return monde(
            organismes.designer_administrateur, acteur or monde.op, monde.politiques,
            URL_PORTAIL, SIRET, **kwargs,
        )  # fmt: skip

    with pytest.raises(DonneeInvalide, match="n'appartient pas"):
        designer(identifiant=etranger)
    with pytest.raises(EtatIncompatible, match="déjà l'administrateur principal"):
        designer(identifiant=monde.ap.identifiant)
    with pytest.raises(Introuvable):
        designer(identifiant="ZZZZZZZZ")
    with pytest.raises(DonneeInvalide):
        designer()
    with pytest.raises(AccesRefuse):
        designer(acteur=monde.ap, identifiant=etranger)
    assert monde.comptage() == avant
    assert monde.principaux_actifs() == [monde.ap.identifiant]
    assert monde.principaux_actifs(SIRET_AUTRE) == []


# --- organismes --------------------------------------------------------------------------------
def test_organisme_refusals(monde):
    avant = monde.comptage()
    for kwargs, erreur in (
        ({"siret": "123", "type_": "opco"}, DonneeInvalide),
        ({"siret": SIRET_AUTRE, "type_": "banque"}, DonneeInvalide),
        ({"siret": SIRET_AUTRE, "type_": "cdc"}, DonneeInvalide),
        ({"siret": SIRET, "type_": "opco"}, DejaExistant),
    ):
        with pytest.raises(erreur):
            monde(organismes.ajouter, monde.op, raison_sociale="X", **kwargs)
    with pytest.raises(AccesRefuse):
        monde(organismes.ajouter, monde.ap, siret=SIRET_AUTRE, raison_sociale="X", type_="opco")
    with pytest.raises(EtatIncompatible):
        monde(organismes.modifier, monde.op, "18002002600019", statut="suspendu")
    with pytest.raises(Introuvable):
        monde(organismes.montrer, monde.op, "73282932000017")
    assert monde.comptage() == avant


def test_suspending_an_organisme_revokes_every_session_of_its_accounts(monde):
    g = monde.ajouter(monde.ap, "Durand", "Paul", "paul.durand@lumiere.example")
    monde.session(g)
    assert monde.sessions_ouvertes(g) == 1 and monde.sessions_ouvertes(monde.ap.identifiant) == 1
    monde(organismes.modifier, monde.op, SIRET, statut="suspendu")
    assert monde.sessions_ouvertes(g) == monde.sessions_ouvertes(monde.ap.identifiant) == 0
    assert monde.sessions_ouvertes(monde.op.identifiant) == 1
    e = monde.dernier("organisme_modifie")
    assert (e.acteur, e.organisme) == (monde.op.identifiant, SIRET)
    assert e.details == {"avant": {"statut": "actif"}, "apres": {"statut": "suspendu"}}
    from cpfadmin.domain.errors import ErreurAuthentification

    with pytest.raises(ErreurAuthentification, match="suspendu"):
        connexion(monde.uow, monde.politiques, g, NOUVEAU_GESTIONNAIRE)


# --- gestionnaires: update, status, removal -------------------------------------------------
def test_update_audits_the_changed_fields_only(monde):
    monde(unites.ajouter, monde.ap, "Paie")
    g = monde.ajouter(monde.ap, "Durand", "Paul", "paul.durand@lumiere.example", niveau="gestion")
    monde(
        gestionnaires.modifier, monde.ap, g, nom="Durand", prenom="Paolo", unite="PAIE",
        telephone_fixe="0472102030", telephone_mobile="", sans_niveau=True,
    )  # fmt: skip
    e = monde.dernier("compte_modifie")
    assert (e.acteur, e.organisme, e.cible) == (monde.ap.identifiant, SIRET, g)
    assert e.details == {
        "avant": {
            "prenom": "Paul",
            "telephone_fixe": None,
            "telephone_mobile": "+33611223344",
            "unite": None,
            "niveau_habilitation": "gestion",
        },
        "apres": {
            "prenom": "Paolo",
            "telephone_fixe": "+33472102030",
            "telephone_mobile": None,
            "unite": "Paie",
            "niveau_habilitation": None,
        },
    }


def test_a_refused_update_changes_nothing(monde):
    g = monde.ajouter(monde.ap, "Durand", "Paul", "paul.durand@lumiere.example")
    monde.ajouter(monde.ap, "Petit", "Inès", "ines.petit@lumiere.example")
    avant = monde.comptage()
    for kwargs, erreur in (
        ({"nom": "Leroy", "telephone_mobile": ""}, DonneeInvalide),
        ({"nom": "Leroy", "email": "INES.petit@lumiere.example"}, DejaExistant),
        ({"nom": "Leroy", "unite": "Nulle part"}, DonneeInvalide),
        ({"nom": "Leroy", "niveau": "expert"}, DonneeInvalide),
    ):
        with pytest.raises(erreur):
            monde(gestionnaires.modifier, monde.ap, g, **kwargs)
    assert monde.compte(g).nom == "Durand"
    assert monde.comptage() == avant


def test_suspension_revokes_every_session_and_blocks_the_login(monde):
    g = monde.ajouter(monde.ap, "Durand", "Paul", "paul.durand@lumiere.example")
    jeton = monde.session(g).jeton
    connexion(monde.uow, monde.politiques, g, NOUVEAU_GESTIONNAIRE)  # a second session
    assert monde.sessions_ouvertes(g) == 2
    vue = monde(gestionnaires.suspendre, monde.ap, g)
    assert vue["statut"] == "suspendu"
    assert monde.sessions_ouvertes(g) == 0
    from cpfadmin.domain.errors import ErreurAuthentification

    with pytest.raises(ErreurAuthentification):
        monde.acteur(jeton)
    with pytest.raises(ErreurAuthentification):
        connexion(monde.uow, monde.politiques, g, NOUVEAU_GESTIONNAIRE)
    monde(gestionnaires.reactiver, monde.ap, g)
    with pytest.raises(ErreurAuthentification):
        monde.acteur(jeton)  # revoked, not merely refused while suspended
    assert connexion(monde.uow, monde.politiques, g, NOUVEAU_GESTIONNAIRE).identifiant == g


def test_self_and_principal_admin_protections(monde):
    avant = monde.comptage()
    for fonction in (gestionnaires.suspendre, gestionnaires.supprimer):
        with pytest.raises(AccesRefuse, match="votre propre compte"):
            monde(fonction, monde.ap, monde.ap.identifiant)
        with pytest.raises(AccesRefuse, match="votre propre compte"):
            monde(fonction, monde.op, monde.op.identifiant)
        with pytest.raises(EtatIncompatible, match="administrateur principal"):
            monde(fonction, monde.op, monde.ap.identifiant)
    with pytest.raises(EtatIncompatible):
        monde(gestionnaires.modifier, monde.op, monde.ap.identifiant, delegue=True)
    assert monde.comptage() == avant
    assert monde.principaux_actifs() == [monde.ap.identifiant]


def test_removal_is_soft_and_the_identifiant_is_never_reused(monde, monkeypatch):
    g = monde.ajouter(monde.ap, "Durand", "Paul", "paul.durand@lumiere.example")
    monde(gestionnaires.supprimer, monde.ap, g)
    compte = monde.compte(g)
    assert compte is not None and compte.statut == "supprime"
    assert [c["identifiant"] for c in monde(gestionnaires.lister, monde.ap, statut="supprime")] == [
        g
    ]

    # The generator happens to draw the removed identifiant again: another one is taken.
    tirages = iter([g, "NEWACC23"])
    monkeypatch.setattr(depot_comptes, "generer_identifiant", lambda: next(tirages))
    nouveau = monde.ajouter(monde.ap, "Petit", "Inès", "ines.petit@lumiere.example")
    assert nouveau == "NEWACC23"
    assert monde.compte(g).email == "paul.durand@lumiere.example"

    with pytest.raises(DejaExistant) as e:
        monde.ajouter(monde.ap, "Durand", "Paul", "PAUL.DURAND@lumiere.example")
    assert suggestion(e.value) == f"cpfadmin gestionnaires reactivate {g}"
    with pytest.raises(EtatIncompatible, match="supprimé"):
        monde(gestionnaires.suspendre, monde.ap, g)


def test_status_change_events_name_actor_organisme_and_target(monde):
    g = monde.ajouter(monde.ap, "Durand", "Paul", "paul.durand@lumiere.example")
    for fonction, action in (
        (gestionnaires.suspendre, "compte_suspendu"),
        (gestionnaires.reactiver, "compte_reactive"),
        (gestionnaires.supprimer, "compte_supprime"),
    ):
        monde(fonction, monde.ap, g)
        e = monde.evenements()[-1]
        assert (e.action, e.acteur, e.organisme, e.cible) == (
            action,
            monde.ap.identifiant,
            SIRET,
            g,
        )
        assert set(e.details) == {"avant", "apres"}
        assert e.details["avant"]["statut"] != e.details["apres"]["statut"]


# --- search -------------------------------------------------------------------------------------
def test_search_is_accent_and_case_insensitive_and_takes_wildcards_literally(monde):
    helene = monde.ajouter(monde.ap, "Moreau", "Hélène", "h.moreau@lumiere.example")
    paul = monde.ajouter(monde.ap, "Durand", "Paul", "paul_durand@lumiere.example")
    cent = monde.ajouter(monde.ap, "Cent", "Pour", "pour.cent@lumiere.example")

    def trouves(motif):
        return {c["identifiant"] for c in monde(gestionnaires.lister, monde.ap, recherche=motif)}

    assert trouves("helene") == trouves("HÉLÈNE") == trouves("Hélène") == {helene}
    assert trouves("%") == set()
    assert trouves("_") == {paul}
    assert trouves("r_c") == set()  # "r_c" would match "pour.cent" if "_" were a wildcard
    assert trouves("p%t") == set()
    assert trouves("") == {monde.ap.identifiant, helene, paul, cent}


def test_a_listed_account_is_the_shown_account_key_for_key(monde):
    # The list maps its columns by name (issue 14): same keys, same order, same values as show.
    identifiant = monde.ajouter(monde.ap, "Moreau", "Hélène", "h.moreau@lumiere.example")
    (liste,) = [c for c in monde(gestionnaires.lister, monde.ap) if c["identifiant"] == identifiant]
    vue = monde(gestionnaires.montrer, monde.ap, identifiant)
    assert list(liste) == [cle for cle in vue if cle in liste]
    assert list(liste) == list(gestionnaires.COLONNES_VUE)
    assert {cle: vue[cle] for cle in liste} == liste


# --- unités --------------------------------------------------------------------------------------
def test_unites_lifecycle_and_events(monde):
    monde(unites.ajouter, monde.ap, "Paie")
    with pytest.raises(DejaExistant):
        monde(unites.ajouter, monde.ap, "pAIE")
    monde(unites.ajouter, monde.ap, "Formation")
    a = monde.ajouter(monde.ap, "Durand", "Paul", "paul.durand@lumiere.example", unite="paie")
    b = monde.ajouter(monde.ap, "Petit", "Inès", "ines.petit@lumiere.example", unite="Paie")
    monde(gestionnaires.suspendre, monde.ap, b)
    assert monde(unites.lister, monde.ap) == [
        {"libelle": "Formation", "organisme_siret": SIRET, "comptes_actifs": 0},
        {"libelle": "Paie", "organisme_siret": SIRET, "comptes_actifs": 1},
    ]
    with pytest.raises(DejaExistant):
        monde(unites.renommer, monde.ap, "Paie", "formation")
    with pytest.raises(Introuvable):
        monde(unites.renommer, monde.ap, "Compta", "Comptabilité")
    with pytest.raises(EtatIncompatible, match="1 compte"):
        monde(unites.supprimer, monde.ap, "paie")

    monde(gestionnaires.modifier, monde.ap, a, sans_unite=True)
    monde(unites.supprimer, monde.ap, "PAIE")
    assert monde.compte(b).unite_id is None
    assert [u["libelle"] for u in monde(unites.lister, monde.ap)] == ["Formation"]
    assert [
        (e.action, e.acteur, e.organisme) for e in monde.evenements() if "unite" in e.action
    ] == [
        ("unite_creee", monde.ap.identifiant, SIRET),
        ("unite_creee", monde.ap.identifiant, SIRET),
        ("unite_supprimee", monde.ap.identifiant, SIRET),
    ]


# --- own data and CGU ---------------------------------------------------------------------------
def test_own_data_update(monde):
    g = monde.ajouter(monde.ap, "Durand", "Paul", "paul.durand@lumiere.example")
    moi = monde.acteur(monde.session(g).jeton)
    avant = monde.comptage()
    with pytest.raises(DonneeInvalide):
        monde(comptes.modifier_moi, moi, telephone_mobile="")
    with pytest.raises(SaisieRequise):  # another mailbox: the current password first
        monde(comptes.modifier_moi, moi, email="chloe.BERNARD@lumiere.example")
    with pytest.raises(DejaExistant):
        monde(
            comptes.modifier_moi,
            moi,
            email="chloe.BERNARD@lumiere.example",
            actuel=NOUVEAU_GESTIONNAIRE,
        )
    assert monde.comptage() == avant
    # Unchanged values leave no event.
    monde(comptes.modifier_moi, moi, email="paul.durand@lumiere.example")
    assert monde.comptage() == avant
    monde(comptes.modifier_moi, moi, telephone_fixe="0140203040")
    e = monde.dernier("donnees_personnelles_modifiees")
    assert (e.acteur, e.organisme, e.cible) == (g, SIRET, g)
    assert e.details == {
        "avant": {"telephone_fixe": None},
        "apres": {"telephone_fixe": "+33140203040"},
    }


def test_a_new_cgu_version_is_asked_at_the_next_login_of_every_account(monde):
    g = monde.ajouter(monde.ap, "Durand", "Paul", "paul.durand@lumiere.example")
    moi = monde.acteur(monde.session(g).jeton)
    with pytest.raises(AccesRefuse):
        monde(cgu.publier, monde.ap, "Texte", "2.0")
    with pytest.raises(DonneeInvalide):
        monde(cgu.publier, monde.op, "  \n", "2.0")
    vue = monde(cgu.publier, monde.op, "Conditions, version 2.0", "2.0")
    assert vue["version"] == "2.0"
    with pytest.raises(DejaExistant):
        monde(cgu.publier, monde.op, "Autre texte", "2.0")

    for identifiant, mot_de_passe in (
        (g, NOUVEAU_GESTIONNAIRE),
        (monde.op.identifiant, NOUVEAU_ADMIN),
    ):
        with monde.uow() as u:
            defi = auth.commencer_connexion(u, identifiant, mot_de_passe, monde.politiques)
        assert defi.cgu is not None and defi.cgu.version == "2.0"
        with monde.uow() as u, pytest.raises(CguNonAcceptees):
            auth.terminer_connexion(u, defi.jeton_etape, monde.politiques)

    assert monde(cgu.consulter, moi)["acceptee"] is False
    assert monde(cgu.accepter, moi)["acceptee"] is True
    monde(cgu.accepter, moi)  # twice: recorded once
    assert len(monde.evenements("cgu_acceptees")) == 3 + 1  # op, AP, Paul at 1.0; Paul at 2.0
    with monde.uow() as u:
        defi = auth.commencer_connexion(u, g, NOUVEAU_GESTIONNAIRE, monde.politiques)
    assert defi.cgu is None


# --- the audit holds no secret --------------------------------------------------------------------
def test_no_temporary_password_chosen_password_or_token_reaches_the_audit(monde):
    secrets = [NOUVEAU_ADMIN, NOUVEAU_GESTIONNAIRE]
    for nom, prenom in (("Durand", "Paul"), ("Petit", "Inès")):
        g = monde.ajouter(monde.ap, nom, prenom, f"{prenom.lower()}@lumiere.example")
        secrets.append(monde.temporaire(g))
        secrets.append(monde.session(g).jeton)
    with monde.uow() as u:
        secrets.extend(s for s in u.session.exec(select(Message.secret)) if s)
    monde(organismes.designer_administrateur, monde.op, monde.politiques, URL_PORTAIL, SIRET,
          identifiant=g)  # fmt: skip
    with monde.uow() as u:
        lignes = u.session.execute(text("SELECT * FROM evenement_audit")).all()
    audit = "\n".join(map(repr, lignes))
    assert len(lignes) > 10
    for secret in secrets:
        assert secret and secret not in audit
