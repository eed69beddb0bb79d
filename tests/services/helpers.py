"""Small builders for service tests: organismes and accounts straight through the services."""

from __future__ import annotations

from cpfadmin.domain.politique import Politiques
from cpfadmin.domain.roles import Role, TypeOrganisme
from cpfadmin.services import auth
from cpfadmin.services.bootstrap import initialiser
from cpfadmin.services.comptes import DonneesCompte, creer_compte
from cpfadmin.store.models import Organisme

NOUVEAU_ADMIN = "Phrase-De-Passe-Solide-2026!"
NOUVEAU_GESTIONNAIRE = "Solide-Gest-2026!"


def donnees(nom: str = "Martin", prenom: str = "Alice", email: str | None = None) -> DonneesCompte:
    return DonneesCompte.valider(
        nom=nom,
        prenom=prenom,
        email=email or f"{prenom.lower()}.{nom.lower()}@example.fr",
        telephone_fixe=None,
        telephone_mobile="0612345678",
    )


def initialiser_base(uow, politiques: Politiques):  # type: ignore[no-untyped-def]
    with uow() as u:
        return initialiser(u, donnees(), politiques)


def creer_organisme_et_compte(  # type: ignore[no-untyped-def]
    uow, politiques: Politiques, role: Role = Role.GESTIONNAIRE, *, siret: str = "73282932000074"
):
    """An employer and one account in it; returns (identifiant, temporary password)."""
    with uow() as u:
        organisme = u.organismes.par_siret(siret)
        if organisme is None:
            organisme = u.organismes.ajouter(
                Organisme(
                    siret=siret,
                    raison_sociale="Employeur Test",
                    type=TypeOrganisme.EMPLOYEUR_PRIVE.value,
                    statut="actif",
                    cree_le=u.maintenant(),
                )
            )
        compte, temporaire = creer_compte(
            u,
            organisme,
            donnees("Durand", "Paul", f"paul{role.value}@example.fr"),
            role,
            politiques,
        )
        u.commit()
        return compte.identifiant, temporaire


def premiere_connexion(uow, politiques, identifiant, temporaire, nouveau):  # type: ignore[no-untyped-def]
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, temporaire, politiques)
    with uow() as u:
        return auth.terminer_connexion(
            u,
            defi.jeton_etape,
            politiques,
            nouveau_mot_de_passe=nouveau,
            cgu_acceptee=_version(defi),
        )


def connexion(uow, politiques, identifiant, mot_de_passe, **options):  # type: ignore[no-untyped-def]
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, mot_de_passe, politiques)
    with uow() as u:
        return auth.terminer_connexion(u, defi.jeton_etape, politiques, **options)


def _version(defi):
    """The CGU version the login shows, accepted as shown."""
    return defi.cgu.version if defi.cgu else None
