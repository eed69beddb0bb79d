"""Who may do what (SPEC §2), as one declarative table.

An actor acts *on an organisme O* (and, for some actions, on a target account of O). What it
may do depends on its qualités towards O:

- ``OP``: an active administrator (principal or delegated) of the ``cdc`` organisme — for
  every organisme, the cdc one included;
- ``AP`` / ``AD`` / ``G``: principal admin / delegated admin / gestionnaire *of O itself*.

An operator acting on the cdc organisme holds both ``OP`` and its own rôle there; the rights
add up. The table below is the reference: the services ask ``verifier`` before every change,
and the tests check every actor × target × action against an answer written by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from cpfadmin.domain.errors import AccesRefuse, Commande, Texte
from cpfadmin.domain.roles import Role, TypeOrganisme


class Qualite(StrEnum):
    OP = "OP"
    AP = "AP"
    AD = "AD"
    G = "G"


class Action(StrEnum):
    ORGANISME_GERER = "organisme_gerer"  # create / update / suspend an organisme
    CGU_PUBLIER = "cgu_publier"
    ADMIN_DESIGNER = "admin_designer"  # designate the principal admin of O
    GESTIONNAIRE_AJOUTER = "gestionnaire_ajouter"
    DELEGUE_ATTRIBUER = "delegue_attribuer"  # grant or withdraw administrateur_delegue
    COMPTE_MODIFIER = "compte_modifier"
    COMPTE_SUSPENDRE = "compte_suspendre"
    COMPTE_REACTIVER = "compte_reactiver"
    COMPTE_SUPPRIMER = "compte_supprimer"
    MOT_DE_PASSE_RENOUVELER = "mot_de_passe_renouveler"
    COMPTE_DEVERROUILLER = "compte_deverrouiller"  # lift a lockout, the password kept
    POLITIQUE_MODIFIER = "politique_modifier"  # the system's security policy (SPEC §4)
    UNITE_GERER = "unite_gerer"  # add / rename / remove unités of O
    COMPTES_CONSULTER = "comptes_consulter"  # list / show accounts of O, list unités
    AUDIT_LIRE = "audit_lire"
    MESSAGES_CONSULTER = "messages_consulter"  # the outbox of O (never the secrets)


AP, AD, G = Role.ADMINISTRATEUR_PRINCIPAL, Role.ADMINISTRATEUR_DELEGUE, Role.GESTIONNAIRE
TOUS = frozenset({AP, AD, G})

# Action → qualité → the target rôles it may act on (``TOUS`` for actions without a target).
REGLES: Mapping[Action, Mapping[Qualite, frozenset[Role]]] = {
    Action.ORGANISME_GERER: {Qualite.OP: TOUS},
    Action.CGU_PUBLIER: {Qualite.OP: TOUS},
    Action.ADMIN_DESIGNER: {Qualite.OP: TOUS},
    Action.GESTIONNAIRE_AJOUTER: {Qualite.OP: TOUS, Qualite.AP: TOUS, Qualite.AD: TOUS},
    Action.DELEGUE_ATTRIBUER: {Qualite.OP: frozenset({AD, G}), Qualite.AP: frozenset({AD, G})},
    Action.COMPTE_MODIFIER: {
        Qualite.OP: TOUS,
        Qualite.AP: frozenset({AD, G}),
        Qualite.AD: frozenset({G}),
    },
    Action.COMPTE_SUSPENDRE: {
        Qualite.OP: TOUS,
        Qualite.AP: frozenset({AD, G}),
        Qualite.AD: frozenset({G}),
    },
    Action.COMPTE_REACTIVER: {
        Qualite.OP: TOUS,
        Qualite.AP: frozenset({AD, G}),
        Qualite.AD: frozenset({G}),
    },
    Action.COMPTE_SUPPRIMER: {
        Qualite.OP: TOUS,
        Qualite.AP: frozenset({AD, G}),
        Qualite.AD: frozenset({G}),
    },
    # The seed: only the CDC renews a principal admin's password; only the principal admin
    # renews a delegated admin's; principal and delegated admins renew gestionnaires'.
    Action.MOT_DE_PASSE_RENOUVELER: {
        Qualite.OP: frozenset({AP}),
        Qualite.AP: frozenset({AD, G}),
        Qualite.AD: frozenset({G}),
    },
    # Whoever may renew an account's password may lift its lock without voiding it (FreeIPA's
    # ``user-unlock``): the same hierarchy, so a lock never needs more power than a renewal.
    Action.COMPTE_DEVERROUILLER: {
        Qualite.OP: frozenset({AP}),
        Qualite.AP: frozenset({AD, G}),
        Qualite.AD: frozenset({G}),
    },
    Action.UNITE_GERER: {Qualite.OP: TOUS, Qualite.AP: TOUS, Qualite.AD: TOUS},
    Action.POLITIQUE_MODIFIER: {Qualite.OP: TOUS},
    Action.COMPTES_CONSULTER: {Qualite.OP: TOUS, Qualite.AP: TOUS, Qualite.AD: TOUS},
    Action.AUDIT_LIRE: {Qualite.OP: TOUS, Qualite.AP: TOUS, Qualite.AD: TOUS},
    Action.MESSAGES_CONSULTER: {Qualite.OP: TOUS, Qualite.AP: TOUS, Qualite.AD: TOUS},
}

# Actions nobody may take on their own account (they have ``me`` and ``password change``).
INTERDITES_SUR_SOI: Mapping[Action, Commande | None] = {
    Action.COMPTE_MODIFIER: Commande("me update"),
    Action.COMPTE_SUSPENDRE: None,
    Action.COMPTE_SUPPRIMER: None,
    Action.COMPTE_REACTIVER: None,
    Action.MOT_DE_PASSE_RENOUVELER: Commande("password change"),
    Action.COMPTE_DEVERROUILLER: None,
    Action.DELEGUE_ATTRIBUER: None,
    Action.ADMIN_DESIGNER: None,
}

LIBELLES: Mapping[Action, str] = {
    Action.ORGANISME_GERER: "gérer les organismes",
    Action.CGU_PUBLIER: "publier les conditions générales d'utilisation",
    Action.ADMIN_DESIGNER: "désigner un administrateur principal",
    Action.GESTIONNAIRE_AJOUTER: "ajouter un gestionnaire dans cet organisme",
    Action.DELEGUE_ATTRIBUER: "attribuer ou retirer le rôle d'administrateur délégué",
    Action.COMPTE_MODIFIER: "modifier ce compte",
    Action.COMPTE_SUSPENDRE: "suspendre ce compte",
    Action.COMPTE_REACTIVER: "réactiver ce compte",
    Action.COMPTE_SUPPRIMER: "supprimer ce compte",
    Action.MOT_DE_PASSE_RENOUVELER: "renouveler le mot de passe de ce compte",
    Action.COMPTE_DEVERROUILLER: "déverrouiller ce compte",
    Action.POLITIQUE_MODIFIER: "modifier la politique de sécurité",
    Action.UNITE_GERER: "gérer les unités de cet organisme",
    Action.COMPTES_CONSULTER: "consulter les comptes de cet organisme",
    Action.AUDIT_LIRE: "lire l'audit de cet organisme",
    Action.MESSAGES_CONSULTER: "consulter les messages de cet organisme",
}


ADMINISTRATEUR = "demandez à votre administrateur."
CDC = "c'est le rôle des opérateurs de la Caisse des Dépôts."

# What a gestionnaire is told when he asks, in his own organisme, for what his rôle does not
# allow: the thing he asked for, and whom to ask. ``objet`` names the thing when one action
# covers several (the accounts, the unités and the export are all ``COMPTES_CONSULTER``).
REFUS_GESTIONNAIRE: Mapping[tuple[Action, str | None], Texte] = {
    (Action.CGU_PUBLIER, None): "Un gestionnaire ne publie pas les conditions générales "
    f"d'utilisation : {CDC}",
    (Action.ADMIN_DESIGNER, None): f"Un gestionnaire ne désigne pas d'administrateur : {CDC}",
    (Action.ORGANISME_GERER, None): f"Un gestionnaire ne gère pas les organismes : {CDC}",
    (Action.GESTIONNAIRE_AJOUTER, None): "Un gestionnaire n'habilite pas d'autres "
    f"gestionnaires : {ADMINISTRATEUR}",
    (Action.DELEGUE_ATTRIBUER, None): "Un gestionnaire n'attribue pas le rôle d'administrateur "
    "délégué : demandez à votre administrateur principal.",
    (Action.COMPTE_MODIFIER, None): "Un gestionnaire ne modifie pas les comptes de son "
    f"organisme : {ADMINISTRATEUR}",
    (Action.COMPTE_SUSPENDRE, None): f"Un gestionnaire ne suspend pas de compte : {ADMINISTRATEUR}",
    (Action.COMPTE_REACTIVER, None): "Un gestionnaire ne réactive pas de compte : "
    f"{ADMINISTRATEUR}",
    (Action.COMPTE_SUPPRIMER, None): "Un gestionnaire ne supprime pas de compte : "
    f"{ADMINISTRATEUR}",
    (Action.MOT_DE_PASSE_RENOUVELER, None): "Un gestionnaire ne renouvelle pas le mot de passe "
    f"d'un autre compte : {ADMINISTRATEUR}",
    (Action.COMPTE_DEVERROUILLER, None): "Un gestionnaire ne déverrouille pas d'autre compte : "
    f"{ADMINISTRATEUR}",
    (Action.POLITIQUE_MODIFIER, None): "Un gestionnaire ne modifie pas la politique de "
    f"sécurité : {CDC}",
    (Action.UNITE_GERER, None): "Un gestionnaire ne crée, ne renomme ni ne supprime les unités "
    f"de son organisme : {ADMINISTRATEUR}",
    (Action.COMPTES_CONSULTER, None): "Un gestionnaire ne consulte pas les comptes de son "
    f"organisme : {ADMINISTRATEUR}",
    (Action.COMPTES_CONSULTER, "unites"): "Un gestionnaire ne consulte pas les unités de son "
    f"organisme : {ADMINISTRATEUR}",
    (Action.COMPTES_CONSULTER, "export"): "Un gestionnaire n'exporte pas les comptes de son "
    f"organisme : {ADMINISTRATEUR}",
    (Action.COMPTES_CONSULTER, "organisme"): (
        "Un gestionnaire ne consulte pas la fiche de son organisme (son nom et son SIRET sont "
        "dans « ",
        Commande("me"),
        f" ») : {ADMINISTRATEUR}",
    ),
    (Action.AUDIT_LIRE, None): "Un gestionnaire ne consulte pas le journal d'audit de son "
    f"organisme : {ADMINISTRATEUR}",
    (Action.MESSAGES_CONSULTER, None): "Un gestionnaire ne consulte pas les messages envoyés "
    f"par cpfadmin : {ADMINISTRATEUR}",
}


@dataclass(frozen=True)
class Habilitation:
    """What the rules need to know of the actor."""

    compte_id: int
    organisme_id: int
    organisme_type: TypeOrganisme
    role: Role


def qualites(acteur: Habilitation, organisme_id: int) -> frozenset[Qualite]:
    resultat: set[Qualite] = set()
    if acteur.organisme_type is TypeOrganisme.CDC and acteur.role.est_administrateur:
        resultat.add(Qualite.OP)
    if acteur.organisme_id == organisme_id:
        resultat.add({AP: Qualite.AP, AD: Qualite.AD, G: Qualite.G}[acteur.role])
    return frozenset(resultat)


def _cdc_elle_meme(acteur: Habilitation, organisme_id: int) -> bool:
    return acteur.organisme_type is TypeOrganisme.CDC and acteur.organisme_id == organisme_id


def autorise(
    action: Action,
    acteur: Habilitation,
    organisme_id: int,
    *,
    role_cible: Role | None = None,
    compte_cible_id: int | None = None,
) -> bool:
    """True when the table allows the action (and it is not on the actor's own account)."""
    if compte_cible_id == acteur.compte_id and action in INTERDITES_SUR_SOI:
        return False
    if action is Action.ADMIN_DESIGNER and _cdc_elle_meme(acteur, organisme_id):
        # A CDC délégué counts as an operator, but must not put a puppet in the place of the
        # CDC's own principal admin: that is the current one's call alone (SPEC §2).
        return acteur.role == AP
    regles = REGLES[action]
    for qualite in qualites(acteur, organisme_id):
        cibles = regles.get(qualite)
        if cibles is not None and (role_cible is None or role_cible in cibles):
            return True
    return False


def verifier(
    action: Action,
    acteur: Habilitation,
    organisme_id: int,
    *,
    role_cible: Role | None = None,
    compte_cible_id: int | None = None,
    objet: str | None = None,
) -> None:
    """Raise ``AccesRefuse`` with a French message when the table refuses: to a gestionnaire
    in his own organisme, what his rôle does not do in the words of ``objet`` (a key of
    ``REFUS_GESTIONNAIRE``, for an action that covers several things) and whom to ask."""
    if autorise(
        action, acteur, organisme_id, role_cible=role_cible, compte_cible_id=compte_cible_id
    ):
        return
    if compte_cible_id is not None and compte_cible_id == acteur.compte_id:
        conseil = INTERDITES_SUR_SOI.get(action)
        raise AccesRefuse(
            f"Vous ne pouvez pas {LIBELLES[action]} : il s'agit de votre propre compte.",
            suggestion=conseil,
        )
    if qualites(acteur, organisme_id) == {Qualite.G}:
        raise AccesRefuse(REFUS_GESTIONNAIRE[action, objet])
    if action is Action.ADMIN_DESIGNER and _cdc_elle_meme(acteur, organisme_id):
        raise AccesRefuse(
            "Votre compte ne permet pas de désigner l'administrateur principal de la CDC : "
            "c'est à son administrateur principal actuel de le faire."
        )
    cible = f" ({role_cible.libelle.lower()})" if role_cible is not None else ""
    raise AccesRefuse(f"Votre compte ne permet pas de {LIBELLES[action]}{cible}.")
