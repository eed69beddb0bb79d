"""The portal's left menu (SPEC §2): one declarative table decides which functions an account
may open. ``cpfadmin me`` renders it."""

from __future__ import annotations

from dataclasses import dataclass

from cpfadmin.domain.roles import Niveau, Role, TypeOrganisme


@dataclass(frozen=True)
class EntreeMenu:
    libelle: str
    description: str
    # None = every organisme type / every rôle.
    types: frozenset[TypeOrganisme] | None
    roles: frozenset[Role] | None
    # A business function: the ``consultation`` niveau makes it read-only (except for
    # employeur_public, where the niveau has no effect).
    metier: bool


_ADMINS = frozenset({Role.ADMINISTRATEUR_PRINCIPAL, Role.ADMINISTRATEUR_DELEGUE})
_CR = frozenset({TypeOrganisme.CONSEIL_REGIONAL})

MENU: tuple[EntreeMenu, ...] = (
    EntreeMenu(
        "Mes données personnelles",
        "Accès à vos données personnelles (e-mail, téléphone, mot de passe)",
        types=None,
        roles=None,
        metier=False,
    ),
    EntreeMenu(
        "Gérer les habilitations",
        "Accès à la console de gestion des habilitations",
        types=None,
        roles=_ADMINS,
        metier=False,
    ),
    EntreeMenu(
        "Espace Titulaire des salariés ayant délégué au Conseil régional",
        "Accès à l'Espace Titulaire des salariés qui ont procédé à la délégation envers le CR",
        types=_CR,
        roles=None,
        metier=True,
    ),
    EntreeMenu(
        "Clôture simplifiée",
        "Réservée aux Conseils régionaux, qui gèrent les demandeurs d'emploi",
        types=_CR,
        roles=None,
        metier=True,
    ),
)


@dataclass(frozen=True)
class FonctionOuverte:
    libelle: str
    description: str
    lecture_seule: bool


def menu_pour(
    type_organisme: TypeOrganisme | str, role: Role | str, niveau: Niveau | str | None
) -> list[FonctionOuverte]:
    """The functions an account may open, in menu order."""
    type_organisme, role = TypeOrganisme(type_organisme), Role(role)
    niveau = Niveau(niveau) if niveau else None
    lecture_seule = (
        niveau is Niveau.CONSULTATION and type_organisme is not TypeOrganisme.EMPLOYEUR_PUBLIC
    )
    return [
        FonctionOuverte(e.libelle, e.description, lecture_seule=e.metier and lecture_seule)
        for e in MENU
        if (e.types is None or type_organisme in e.types) and (e.roles is None or role in e.roles)
    ]
