"""The habilitation console: adding, listing, changing, suspending and removing accounts of an
organisme (SPEC §2, the guide's "Habiliter un gestionnaire")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cpfadmin.domain import validation
from cpfadmin.domain.champs import TEXTES_LIBRES
from cpfadmin.domain.errors import Commande, DonneeInvalide, EtatIncompatible, Option
from cpfadmin.domain.permissions import Action, verifier
from cpfadmin.domain.politique import Politiques
from cpfadmin.domain.roles import Niveau, Role, StatutCompte
from cpfadmin.services import auth, courrier
from cpfadmin.services.acteur import Acteur
from cpfadmin.services.comptes import (
    DonneesCompte,
    changer_email,
    choix,
    compte_par_identifiant,
    creer_compte,
    differences,
    exiger_compte_actif,
    exiger_organisme_actif,
    organisme_vise,
    texte_de_recherche,
    vue_compte,
)
from cpfadmin.services.unites import unite_par_libelle
from cpfadmin.store.models import Compte, Organisme
from cpfadmin.store.uow import UniteDeTravail


@dataclass(frozen=True)
class CompteCree:
    identifiant: str
    vue: dict[str, Any]


def ajouter(
    uow: UniteDeTravail,
    acteur: Acteur,
    politiques: Politiques,
    url_portail: str,
    *,
    organisme_siret: str | None,
    email: str | None,
    telephone_fixe: str | None = None,
    telephone_mobile: str | None = None,
    unite: str | None = None,
    niveau: str | None = None,
    delegue: bool = False,
    **textes: str | None,
) -> CompteCree:
    """Habilitate a gestionnaire (or a delegated admin with ``delegue``) in an organisme; its
    temporary password is queued for its e-mail only. Raises ``AccesRefuse`` (only AP(O), AD(O)
    and operators add; only AP(O) and operators grant délégué), ``DonneeInvalide`` (fields,
    unknown unité), ``DejaExistant`` (e-mail already used in O)."""
    organisme = organisme_vise(uow, acteur, organisme_siret)
    verifier(Action.GESTIONNAIRE_AJOUTER, acteur.habilitation, organisme.id)  # type: ignore[arg-type]
    role = Role.ADMINISTRATEUR_DELEGUE if delegue else Role.GESTIONNAIRE
    if delegue:
        verifier(
            Action.DELEGUE_ATTRIBUER,
            acteur.habilitation,
            organisme.id,
            role_cible=Role.GESTIONNAIRE,  # type: ignore[arg-type]
        )
    exiger_organisme_actif(organisme)
    donnees = DonneesCompte.valider(
        email=email,
        telephone_fixe=telephone_fixe,
        telephone_mobile=telephone_mobile,
        niveau=niveau,
        **textes,
    )
    unite_obj = unite_par_libelle(uow, organisme, unite) if unite else None
    compte, temporaire = creer_compte(
        uow, organisme, donnees, role, politiques, unite_id=unite_obj.id if unite_obj else None
    )
    uow.flush()  # the message needs the account's id
    courrier.mettre_en_file_temporaire(uow, compte, organisme, temporaire, url_portail)
    vue = vue_compte(compte, organisme, unite_obj.libelle if unite_obj else None)
    uow.auditer(
        "compte_cree",
        acteur=acteur.identifiant,
        organisme=organisme.siret,
        cible=compte.identifiant,
        details={
            k: vue[k]
            for k in (
                *(c.nom for c in TEXTES_LIBRES),
                "email",
                "role",
                "unite",
                "niveau_habilitation",
            )
        },
    )
    uow.commit()
    return CompteCree(compte.identifiant, vue)


def filtres_comptes(
    uow: UniteDeTravail,
    organisme: Organisme,
    *,
    unite: str | None = None,
    statut: str | None = None,
) -> tuple[int | None, str | None]:
    """The unité's id (from its name, any case) and the statut that a list or an export of
    the organisme's accounts is filtered by, checked: what list and export share. Raises
    ``DonneeInvalide``."""
    unite_id = unite_par_libelle(uow, organisme, unite).id if unite else None
    return unite_id, choix(StatutCompte, statut, "statut").value if statut else None


def lister(
    uow: UniteDeTravail,
    acteur: Acteur,
    *,
    organisme_siret: str | None = None,
    unite: str | None = None,
    role: str | None = None,
    statut: str | None = None,
    recherche: str | None = None,
    limite: int | None = None,
) -> list[dict[str, Any]]:
    """Accounts of an organisme, filtered; through the (organisme, unité) and
    (organisme, rôle, statut) indexes. A gestionnaire may only see itself (``me``)."""
    organisme = organisme_vise(uow, acteur, organisme_siret)
    verifier(Action.COMPTES_CONSULTER, acteur.habilitation, organisme.id)  # type: ignore[arg-type]
    unite_id, statut_v = filtres_comptes(uow, organisme, unite=unite, statut=statut)
    role_v = choix(Role, role, "role").value if role else None
    texte = None
    if recherche:
        texte = validation.replier((validation.filtre(recherche, "search") or "").strip())
    return uow.comptes.lignes(
        organisme,
        COLONNES_VUE,
        unite_id=unite_id,
        statut=statut_v,
        role=role_v,
        recherche=texte,
        limite=limite,
    )


# The keys of ``vue_compte``, in its order; the organisme's come from the organisme listed,
# the unité's from the join (the store knows which column is which by these names).
COLONNES_VUE = (
    "identifiant",
    *(c.nom for c in TEXTES_LIBRES),
    "email",
    "telephone_fixe",
    "telephone_mobile",
    "organisme_siret",
    "organisme_raison_sociale",
    "unite",
    "niveau_habilitation",
    "role",
    "statut",
    "cree_le",
    "derniere_connexion_le",
)


def _contexte(uow: UniteDeTravail, compte: Compte) -> tuple[Organisme, str | None]:
    organisme = uow.organismes.par_id(compte.organisme_id)
    assert organisme is not None
    unite = uow.unites.par_id(compte.unite_id) if compte.unite_id else None
    return organisme, unite.libelle if unite else None


def montrer(uow: UniteDeTravail, acteur: Acteur, identifiant: str) -> dict[str, Any]:
    """One account's professional information. A gestionnaire sees only itself."""
    compte = compte_par_identifiant(uow, identifiant)
    if compte.id != acteur.compte_id:
        verifier(Action.COMPTES_CONSULTER, acteur.habilitation, compte.organisme_id)
    organisme, unite = _contexte(uow, compte)
    vue = vue_compte(compte, organisme, unite)
    vue["verrouille_jusqua"] = compte.verrouille_jusqua
    vue["premiere_connexion_faite"] = compte.mot_de_passe_hache is not None
    vue["mot_de_passe_temporaire_expire_le"] = compte.temporaire_expire_le
    return vue


def modifier(
    uow: UniteDeTravail,
    acteur: Acteur,
    identifiant: str,
    *,
    email: str | None = None,
    telephone_fixe: str | None = None,
    telephone_mobile: str | None = None,
    unite: str | None = None,
    sans_unite: bool = False,
    niveau: str | None = None,
    sans_niveau: bool = False,
    delegue: bool | None = None,
    **textes: str | None,
) -> dict[str, Any]:
    """Change an account's fields (``textes``: its plain texts, by key), unité, niveau, or
    grant/withdraw délégué. An empty phone clears it (one stays). Audited with before/after."""
    if unite is not None and sans_unite:
        raise DonneeInvalide(
            (Option("unite"), " et ", Option("sans_unite"), " s'excluent."), champ="unite"
        )
    if niveau is not None and sans_niveau:
        raise DonneeInvalide(
            (Option("niveau"), " et ", Option("sans_niveau"), " s'excluent."),
            champ="niveau_habilitation",
        )
    compte = compte_par_identifiant(uow, identifiant, verrouiller=True)
    role = Role(compte.role)
    verifier(
        Action.COMPTE_MODIFIER,
        acteur.habilitation,
        compte.organisme_id,
        role_cible=role,
        compte_cible_id=compte.id,
    )
    exiger_compte_actif(compte)
    organisme, unite_avant = _contexte(uow, compte)
    avant = vue_compte(compte, organisme, unite_avant)

    for champ in TEXTES_LIBRES:
        if textes.get(champ.nom) is not None:
            setattr(compte, champ.nom, validation.texte_libre(champ, textes[champ.nom]))
    if telephone_fixe is not None or telephone_mobile is not None:
        compte.telephone_fixe, compte.telephone_mobile = validation.telephones(
            compte.telephone_fixe if telephone_fixe is None else telephone_fixe,
            compte.telephone_mobile if telephone_mobile is None else telephone_mobile,
        )
    if email is not None:
        changer_email(uow, compte, email)
    unite_libelle = unite_avant
    if sans_unite:
        compte.unite_id, unite_libelle = None, None
    elif unite is not None:
        u = unite_par_libelle(uow, organisme, unite)
        compte.unite_id, unite_libelle = u.id, u.libelle
    if sans_niveau:
        compte.niveau_habilitation = None
    elif niveau is not None:
        compte.niveau_habilitation = choix(Niveau, niveau, "niveau_habilitation").value
    if delegue is not None:
        nouveau_role = Role.ADMINISTRATEUR_DELEGUE if delegue else Role.GESTIONNAIRE
        if nouveau_role is not role:
            if role is Role.ADMINISTRATEUR_PRINCIPAL:
                raise EtatIncompatible(
                    "Le rôle de l'administrateur principal ne change que par la désignation "
                    "d'un autre administrateur principal.",
                    suggestion=Commande("organismes designate-admin", organisme.siret),
                )
            verifier(
                Action.DELEGUE_ATTRIBUER,
                acteur.habilitation,
                compte.organisme_id,
                role_cible=role,
                compte_cible_id=compte.id,
            )
            compte.role = nouveau_role.value

    apres = vue_compte(compte, organisme, unite_libelle)
    changements = differences(avant, apres)
    if changements:
        compte.modifie_le = uow.maintenant()
        compte.recherche = texte_de_recherche(compte)
        action = "compte_modifie"
        if validation.cle_email(avant["email"]) != compte.email_cle:
            # The channel of its temporary passwords moves: the owner hears of it where they
            # still read, as when they change it themselves (me update --email).
            courrier.mettre_en_file_avis_email(uow, compte, organisme, avant["email"])
        if "role" in changements["apres"]:
            action = "delegue_attribue" if delegue else "delegue_retire"
        uow.auditer(
            action,
            acteur=acteur.identifiant,
            organisme=organisme.siret,
            cible=compte.identifiant,
            details=changements,
        )
    uow.commit()
    return apres


def _changer_statut(
    uow: UniteDeTravail, acteur: Acteur, identifiant: str, action: Action, nouveau: StatutCompte
) -> dict[str, Any]:
    compte = compte_par_identifiant(uow, identifiant, verrouiller=True)
    role = Role(compte.role)
    verifier(
        action, acteur.habilitation, compte.organisme_id, role_cible=role, compte_cible_id=compte.id
    )
    organisme, unite = _contexte(uow, compte)
    if action is Action.COMPTE_REACTIVER:
        if compte.statut == StatutCompte.ACTIF.value:
            raise EtatIncompatible(f"Le compte {compte.identifiant} est déjà actif.")
        if role is Role.ADMINISTRATEUR_PRINCIPAL:
            # Two active principal admins would break the organisme's single head.
            compte.role = Role.ADMINISTRATEUR_DELEGUE.value
    else:
        if compte.statut == nouveau.value:
            raise EtatIncompatible(f"Le compte {compte.identifiant} est déjà {nouveau.value}.")
        if nouveau is StatutCompte.SUSPENDU and compte.statut == StatutCompte.SUPPRIME.value:
            raise EtatIncompatible(f"Le compte {compte.identifiant} est supprimé.")
        if role is Role.ADMINISTRATEUR_PRINCIPAL:
            raise EtatIncompatible(
                "L'administrateur principal ne peut être ni suspendu ni supprimé : "
                "désignez d'abord un autre administrateur principal.",
                suggestion=Commande("organismes designate-admin", organisme.siret),
            )
    statut_avant = compte.statut
    maintenant = uow.maintenant()
    compte.statut = nouveau.value
    compte.modifie_le = maintenant
    if nouveau is not StatutCompte.ACTIF:
        uow.sessions_compte.revoquer_toutes(compte.id, maintenant)  # type: ignore[arg-type]
    uow.auditer(
        {
            StatutCompte.SUSPENDU: "compte_suspendu",
            StatutCompte.ACTIF: "compte_reactive",
            StatutCompte.SUPPRIME: "compte_supprime",
        }[nouveau],
        acteur=acteur.identifiant,
        organisme=organisme.siret,
        cible=compte.identifiant,
        details=differences(
            {"statut": statut_avant, "role": role.value},
            {"statut": compte.statut, "role": compte.role},
        ),
    )
    uow.commit()
    return vue_compte(compte, organisme, unite)


def suspendre(uow: UniteDeTravail, acteur: Acteur, identifiant: str) -> dict[str, Any]:
    """Suspend an account; its sessions end. Nobody suspends themselves, nor the principal
    admin (designate another first)."""
    return _changer_statut(uow, acteur, identifiant, Action.COMPTE_SUSPENDRE, StatutCompte.SUSPENDU)


def reactiver(uow: UniteDeTravail, acteur: Acteur, identifiant: str) -> dict[str, Any]:
    """Bring a suspended or removed account back."""
    return _changer_statut(uow, acteur, identifiant, Action.COMPTE_REACTIVER, StatutCompte.ACTIF)


def supprimer(uow: UniteDeTravail, acteur: Acteur, identifiant: str) -> dict[str, Any]:
    """Remove an account (soft: it stays for the audit, its identifiant is never reused)."""
    return _changer_statut(uow, acteur, identifiant, Action.COMPTE_SUPPRIMER, StatutCompte.SUPPRIME)


def deverrouiller(uow: UniteDeTravail, acteur: Acteur, identifiant: str) -> dict[str, Any]:
    """Lift an account's lock without voiding its password (FreeIPA's ``user-unlock``): the
    failure count and the lock level start again from zero. Allowed to whoever may renew that
    account's password (SPEC §2), so that a lock never waits for more power than a renewal;
    audited whether or not the account was locked."""
    compte = compte_par_identifiant(uow, identifiant, verrouiller=True)
    verifier(
        Action.COMPTE_DEVERROUILLER,
        acteur.habilitation,
        compte.organisme_id,
        role_cible=Role(compte.role),
        compte_cible_id=compte.id,
    )
    exiger_compte_actif(compte)
    organisme, _ = _contexte(uow, compte)
    maintenant = uow.maintenant()
    etait_verrouille = auth.est_verrouille(compte, maintenant)
    jusqua = compte.verrouille_jusqua if etait_verrouille else None
    echecs = compte.echecs_consecutifs
    auth.lever_verrouillage(compte)
    compte.modifie_le = maintenant
    uow.auditer(
        "compte_deverrouille",
        acteur=acteur.identifiant,
        organisme=organisme.siret,
        cible=compte.identifiant,
        details={"etait_verrouille": etait_verrouille, "echecs_effaces": echecs},
    )
    uow.commit()
    return {
        "identifiant": compte.identifiant,
        "deverrouille": etait_verrouille,
        "verrouille_jusqua": jusqua,
    }
