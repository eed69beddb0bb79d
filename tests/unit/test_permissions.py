"""Who may do what (SPEC §2), checked on the pure domain table for every action × actor ×
target rôle × organisme.

The expected answers below are written out by hand from SPEC §2 — they are *not* recomputed
from ``REGLES``: a change to the code's table that the SPEC does not back makes this file fail.

Actors (rows):

- ``OP-AP``: principal admin of the ``cdc`` organisme (an operator, OP);
- ``OP-AD``: delegated admin of ``cdc`` (an operator too);
- ``G-cdc``: gestionnaire of ``cdc`` — *not* an operator;
- ``AP-O`` / ``AD-O`` / ``G-O``: principal admin / delegated admin / gestionnaire of an
  employer organisme O;
- ``AP-O2`` / ``AD-O2`` / ``G-O2``: the same in another employer organisme O2.

Targets: an account (never the actor's own, see the self rules further down) of rôle AP, AD or
G in O, or in cdc.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpfadmin.cli.redaction import message, suggestion
from cpfadmin.domain.errors import AccesRefuse
from cpfadmin.domain.permissions import (
    REFUS_GESTIONNAIRE,
    Action,
    Habilitation,
    Qualite,
    autorise,
    qualites,
    verifier,
)
from cpfadmin.domain.roles import Role, TypeOrganisme

AP, AD, G = Role.ADMINISTRATEUR_PRINCIPAL, Role.ADMINISTRATEUR_DELEGUE, Role.GESTIONNAIRE
ROLES = (AP, AD, G)

# Identifiers of the three organismes of the hand-written world.
ID_CDC, ID_O, ID_O2 = 1, 2, 3
ORGANISMES = {"O": ID_O, "cdc": ID_CDC}


@dataclass(frozen=True)
class Sorte:
    """One kind of actor: its organisme (by name) and rôle."""

    nom: str
    organisme: str  # "cdc", "O" or "O2"
    role: Role


SORTES = (
    Sorte("OP-AP", "cdc", AP),
    Sorte("OP-AD", "cdc", AD),
    Sorte("G-cdc", "cdc", G),
    Sorte("AP-O", "O", AP),
    Sorte("AD-O", "O", AD),
    Sorte("G-O", "O", G),
    Sorte("AP-O2", "O2", AP),
    Sorte("AD-O2", "O2", AD),
    Sorte("G-O2", "O2", G),
)
NOMS = [s.nom for s in SORTES]
PAR_NOM = {s.nom: s for s in SORTES}


def habilitation(
    sorte: Sorte,
    *,
    compte_id: int = 10,
    ids: dict[str, int] | None = None,
    type_employeur: TypeOrganisme = TypeOrganisme.EMPLOYEUR_PRIVE,
) -> Habilitation:
    ids = ids or {"cdc": ID_CDC, "O": ID_O, "O2": ID_O2}
    type_ = TypeOrganisme.CDC if sorte.organisme == "cdc" else type_employeur
    return Habilitation(compte_id, ids[sorte.organisme], type_, sorte.role)


# --- the expected answers, by hand -------------------------------------------------------------
# "X" allowed, "." refused.
#
# Actions without a target account: one answer for an organisme O (an employer) and one for the
# cdc organisme. The answer must not depend on a target rôle (checked with AP, AD, G and None).
#                                     O | cdc
SANS_CIBLE: dict[Action, dict[str, str]] = {
    # create / update / suspend an organisme: OP only
    Action.ORGANISME_GERER: {
        "OP-AP": "X|X",
        "OP-AD": "X|X",
        "G-cdc": ".|.",
        "AP-O": ".|.",
        "AD-O": ".|.",
        "G-O": ".|.",
        "AP-O2": ".|.",
        "AD-O2": ".|.",
        "G-O2": ".|.",
    },
    # publish CGU: OP only
    Action.CGU_PUBLIER: {
        "OP-AP": "X|X",
        "OP-AD": "X|X",
        "G-cdc": ".|.",
        "AP-O": ".|.",
        "AD-O": ".|.",
        "G-O": ".|.",
        "AP-O2": ".|.",
        "AD-O2": ".|.",
        "G-O2": ".|.",
    },
    # designate the principal admin of O: OP only
    Action.ADMIN_DESIGNER: {
        "OP-AP": "X|X",
        "OP-AD": "X|.",  # not the CDC's own principal admin (issue 13, point 10)
        "G-cdc": ".|.",
        "AP-O": ".|.",
        "AD-O": ".|.",
        "G-O": ".|.",
        "AP-O2": ".|.",
        "AD-O2": ".|.",
        "G-O2": ".|.",
    },
    # add a gestionnaire in O: AP(O), AD(O), OP
    Action.GESTIONNAIRE_AJOUTER: {
        "OP-AP": "X|X",
        "OP-AD": "X|X",
        "G-cdc": ".|.",
        "AP-O": "X|.",
        "AD-O": "X|.",
        "G-O": ".|.",
        "AP-O2": ".|.",
        "AD-O2": ".|.",
        "G-O2": ".|.",
    },
    # add / rename / remove unités of O: AP(O), AD(O), OP
    Action.UNITE_GERER: {
        "OP-AP": "X|X",
        "OP-AD": "X|X",
        "G-cdc": ".|.",
        "AP-O": "X|.",
        "AD-O": "X|.",
        "G-O": ".|.",
        "AP-O2": ".|.",
        "AD-O2": ".|.",
        "G-O2": ".|.",
    },
    # list / show accounts of O, list unités: AP(O), AD(O), OP (G sees only itself, via `me`)
    Action.COMPTES_CONSULTER: {
        "OP-AP": "X|X",
        "OP-AD": "X|X",
        "G-cdc": ".|.",
        "AP-O": "X|.",
        "AD-O": "X|.",
        "G-O": ".|.",
        "AP-O2": ".|.",
        "AD-O2": ".|.",
        "G-O2": ".|.",
    },
    # the system's security policy: OP only
    Action.POLITIQUE_MODIFIER: {
        "OP-AP": "X|X",
        "OP-AD": "X|X",
        "G-cdc": ".|.",
        "AP-O": ".|.",
        "AD-O": ".|.",
        "G-O": ".|.",
        "AP-O2": ".|.",
        "AD-O2": ".|.",
        "G-O2": ".|.",
    },
    # audit events: OP (all), AP(O), AD(O) (events of O)
    Action.AUDIT_LIRE: {
        "OP-AP": "X|X",
        "OP-AD": "X|X",
        "G-cdc": ".|.",
        "AP-O": "X|.",
        "AD-O": "X|.",
        "G-O": ".|.",
        "AP-O2": ".|.",
        "AD-O2": ".|.",
        "G-O2": ".|.",
    },
    # the outbox of O: as the accounts and the audit
    Action.MESSAGES_CONSULTER: {
        "OP-AP": "X|X",
        "OP-AD": "X|X",
        "G-cdc": ".|.",
        "AP-O": "X|.",
        "AD-O": "X|.",
        "G-O": ".|.",
        "AP-O2": ".|.",
        "AD-O2": ".|.",
        "G-O2": ".|.",
    },
}

# Actions on a target account T (another account than the actor's own), by T's rôle.
#                                     target in O | target in cdc
#                                      AP AD G    |  AP AD G
AVEC_CIBLE: dict[Action, dict[str, str]] = {
    # grant or withdraw administrateur_delegue: AP(O), OP — on a gestionnaire (grant) or a
    # delegated admin (withdraw); the principal admin's rôle only changes by designation.
    Action.DELEGUE_ATTRIBUER: {
        "OP-AP": ".XX|.XX",
        "OP-AD": ".XX|.XX",
        "G-cdc": "...|...",
        "AP-O": ".XX|...",
        "AD-O": "...|...",
        "G-O": "...|...",
        "AP-O2": "...|...",
        "AD-O2": "...|...",
        "G-O2": "...|...",
    },
    # update / suspend / reactivate / remove T: AP(O) and OP for any T but AP(O); AD(O) only
    # for gestionnaires; OP also for AP.
    Action.COMPTE_MODIFIER: {
        "OP-AP": "XXX|XXX",
        "OP-AD": "XXX|XXX",
        "G-cdc": "...|...",
        "AP-O": ".XX|...",
        "AD-O": "..X|...",
        "G-O": "...|...",
        "AP-O2": "...|...",
        "AD-O2": "...|...",
        "G-O2": "...|...",
    },
    Action.COMPTE_SUSPENDRE: {
        "OP-AP": "XXX|XXX",
        "OP-AD": "XXX|XXX",
        "G-cdc": "...|...",
        "AP-O": ".XX|...",
        "AD-O": "..X|...",
        "G-O": "...|...",
        "AP-O2": "...|...",
        "AD-O2": "...|...",
        "G-O2": "...|...",
    },
    Action.COMPTE_REACTIVER: {
        "OP-AP": "XXX|XXX",
        "OP-AD": "XXX|XXX",
        "G-cdc": "...|...",
        "AP-O": ".XX|...",
        "AD-O": "..X|...",
        "G-O": "...|...",
        "AP-O2": "...|...",
        "AD-O2": "...|...",
        "G-O2": "...|...",
    },
    Action.COMPTE_SUPPRIMER: {
        "OP-AP": "XXX|XXX",
        "OP-AD": "XXX|XXX",
        "G-cdc": "...|...",
        "AP-O": ".XX|...",
        "AD-O": "..X|...",
        "G-O": "...|...",
        "AP-O2": "...|...",
        "AD-O2": "...|...",
        "G-O2": "...|...",
    },
    # renew a password: the principal admin's — OP only (an AD of cdc is OP, so it renews the
    # AP of cdc); a delegated admin's — AP(O) only, never OP as such; a gestionnaire's —
    # AP(O), AD(O), never OP as such. In cdc the operators are also AP(cdc)/AD(cdc).
    Action.MOT_DE_PASSE_RENOUVELER: {
        "OP-AP": "X..|XXX",
        "OP-AD": "X..|X.X",
        "G-cdc": "...|...",
        "AP-O": ".XX|...",
        "AD-O": "..X|...",
        "G-O": "...|...",
        "AP-O2": "...|...",
        "AD-O2": "...|...",
        "G-O2": "...|...",
    },
    # lift a lock: exactly who may renew that password (FreeIPA's user-unlock), the password
    # kept
    Action.COMPTE_DEVERROUILLER: {
        "OP-AP": "X..|XXX",
        "OP-AD": "X..|X.X",
        "G-cdc": "...|...",
        "AP-O": ".XX|...",
        "AD-O": "..X|...",
        "G-O": "...|...",
        "AP-O2": "...|...",
        "AD-O2": "...|...",
        "G-O2": "...|...",
    },
}

# Actions nobody takes on their own account, whoever they are.
INTERDITES_SUR_SOI = {
    Action.COMPTE_MODIFIER,  # `cpfadmin me update` instead
    Action.COMPTE_SUSPENDRE,
    Action.COMPTE_REACTIVER,
    Action.COMPTE_SUPPRIMER,
    Action.MOT_DE_PASSE_RENOUVELER,  # `cpfadmin password change` instead
    Action.COMPTE_DEVERROUILLER,
    Action.DELEGUE_ATTRIBUER,
    Action.ADMIN_DESIGNER,
}


def attendu(action: Action, acteur: str, organisme: str, role: Role | None) -> bool:
    """The hand-written answer for another account than the actor's own."""
    if action in SANS_CIBLE:
        o, cdc = SANS_CIBLE[action][acteur].split("|")
        return (o if organisme == "O" else cdc) == "X"
    assert role is not None, "an action on an account needs the target's rôle"
    o, cdc = AVEC_CIBLE[action][acteur].split("|")
    ligne = o if organisme == "O" else cdc
    return ligne[ROLES.index(role)] == "X"


def cas_attendus() -> list[tuple[Action, str, str, Role | None, bool]]:
    cas = []
    for action in Action:
        roles: tuple[Role | None, ...] = (*ROLES, None) if action in SANS_CIBLE else ROLES
        for acteur in NOMS:
            for organisme in ("O", "cdc"):
                for role in roles:
                    cas.append(
                        (action, acteur, organisme, role, attendu(action, acteur, organisme, role))
                    )
    return cas


CAS = cas_attendus()


def _id(cas: tuple[Action, str, str, Role | None, bool]) -> str:
    action, acteur, organisme, role, ok = cas
    cible = {AP: "AP", AD: "AD", G: "G"}[role] if role else "sans-cible"
    return f"{action.value}-{acteur}-sur-{cible}@{organisme}-{'oui' if ok else 'non'}"


# --- the table is complete and well formed ----------------------------------------------------
def test_every_action_has_a_hand_written_answer():
    assert set(SANS_CIBLE) | set(AVEC_CIBLE) == set(Action)
    assert not set(SANS_CIBLE) & set(AVEC_CIBLE)
    for table, largeur in ((SANS_CIBLE, 3), (AVEC_CIBLE, 7)):
        for action, lignes in table.items():
            assert list(lignes) == NOMS, action
            for ligne in lignes.values():
                assert len(ligne) == largeur and set(ligne) <= set("X.|"), (action, ligne)


# --- every case -------------------------------------------------------------------------------
@pytest.mark.parametrize("cas", CAS, ids=[_id(c) for c in CAS])
def test_autorise_and_verifier_agree_with_the_hand_written_table(cas):
    action, acteur, organisme, role, ok = cas
    hab = habilitation(PAR_NOM[acteur])
    cible = ORGANISMES[organisme]
    assert autorise(action, hab, cible, role_cible=role, compte_cible_id=99) is ok
    if ok:
        assert verifier(action, hab, cible, role_cible=role, compte_cible_id=99) is None
    else:
        with pytest.raises(AccesRefuse) as erreur:
            verifier(action, hab, cible, role_cible=role, compte_cible_id=99)
        # A gestionnaire in his own organisme is told what his rôle does not do, and whom to
        # ask (REFUS_GESTIONNAIRE); anyone else what his account may not do.
        debut = (
            "Un gestionnaire "
            if qualites(hab, cible) == {Qualite.G}
            else "Votre compte ne permet pas de "
        )
        assert erreur.value.message.startswith(debut)


# --- key rules of SPEC §2, spelled out -------------------------------------------------------
def _peut(acteur: str, action: Action, organisme: str, role: Role | None = None) -> bool:
    return autorise(
        action,
        habilitation(PAR_NOM[acteur]),
        ORGANISMES[organisme],
        role_cible=role,
        compte_cible_id=99,
    )


def test_only_operators_renew_a_principal_admin_password():
    assert _peut("OP-AP", Action.MOT_DE_PASSE_RENOUVELER, "O", AP)
    assert _peut("OP-AD", Action.MOT_DE_PASSE_RENOUVELER, "O", AP)
    # an AD of cdc is an operator: it renews the password of the principal admin of cdc
    assert _peut("OP-AD", Action.MOT_DE_PASSE_RENOUVELER, "cdc", AP)
    for acteur in ("G-cdc", "AP-O", "AD-O", "G-O", "AP-O2"):
        assert not _peut(acteur, Action.MOT_DE_PASSE_RENOUVELER, "O", AP), acteur


def test_only_the_principal_admin_of_o_renews_a_delegated_admin_password():
    assert _peut("AP-O", Action.MOT_DE_PASSE_RENOUVELER, "O", AD)
    for acteur in ("OP-AP", "OP-AD", "AD-O", "G-O", "AP-O2"):
        assert not _peut(acteur, Action.MOT_DE_PASSE_RENOUVELER, "O", AD), acteur
    # in cdc the principal admin is AP(cdc); the delegated one is not
    assert _peut("OP-AP", Action.MOT_DE_PASSE_RENOUVELER, "cdc", AD)
    assert not _peut("OP-AD", Action.MOT_DE_PASSE_RENOUVELER, "cdc", AD)


def test_admins_of_o_but_not_operators_renew_a_gestionnaire_password():
    assert _peut("AP-O", Action.MOT_DE_PASSE_RENOUVELER, "O", G)
    assert _peut("AD-O", Action.MOT_DE_PASSE_RENOUVELER, "O", G)
    for acteur in ("OP-AP", "OP-AD", "G-O", "AP-O2", "AD-O2"):
        assert not _peut(acteur, Action.MOT_DE_PASSE_RENOUVELER, "O", G), acteur


def test_a_delegated_admin_adds_gestionnaires_but_grants_no_delegation():
    assert _peut("AD-O", Action.GESTIONNAIRE_AJOUTER, "O")
    for role in ROLES:
        assert not _peut("AD-O", Action.DELEGUE_ATTRIBUER, "O", role)


def test_a_gestionnaire_of_cdc_is_no_operator():
    for action in Action:
        for organisme in ("O", "cdc"):
            for role in ROLES:
                assert not _peut("G-cdc", action, organisme, role), (action, organisme, role)


def test_employer_roles_give_nothing_in_another_organisme():
    for acteur in ("AP-O2", "AD-O2", "G-O2"):
        for action in Action:
            for role in ROLES:
                assert not _peut(acteur, action, "O", role), (acteur, action, role)


# --- self rules --------------------------------------------------------------------------------
MOI = 10


@pytest.mark.parametrize("action", sorted(INTERDITES_SUR_SOI), ids=str)
@pytest.mark.parametrize("acteur", NOMS)
def test_nobody_takes_these_actions_on_their_own_account(acteur, action):
    sorte = PAR_NOM[acteur]
    hab = habilitation(sorte, compte_id=MOI)
    propre = hab.organisme_id
    assert not autorise(action, hab, propre, role_cible=sorte.role, compte_cible_id=MOI)
    with pytest.raises(AccesRefuse) as erreur:
        verifier(action, hab, propre, role_cible=sorte.role, compte_cible_id=MOI)
    assert "il s'agit de votre propre compte" in erreur.value.message
    assert erreur.value.message.startswith("Vous ne pouvez pas ")


@pytest.mark.parametrize("action", sorted(set(Action) - INTERDITES_SUR_SOI), ids=str)
@pytest.mark.parametrize("acteur", [s.nom for s in SORTES if s.organisme != "O2"])
def test_other_actions_on_ones_own_account_follow_the_table(acteur, action):
    sorte = PAR_NOM[acteur]
    hab = habilitation(sorte, compte_id=MOI)
    nom_organisme = sorte.organisme  # "O" or "cdc": the table's two columns
    assert autorise(
        action, hab, hab.organisme_id, role_cible=sorte.role, compte_cible_id=MOI
    ) is attendu(action, acteur, nom_organisme, sorte.role)


def test_the_self_rule_bites_where_the_table_would_allow():
    """Operators may modify, suspend or renew a principal admin of cdc — just not themselves."""
    hab = habilitation(PAR_NOM["OP-AP"], compte_id=MOI)
    for action in (Action.COMPTE_MODIFIER, Action.COMPTE_SUSPENDRE, Action.MOT_DE_PASSE_RENOUVELER):
        assert autorise(action, hab, ID_CDC, role_cible=AP, compte_cible_id=MOI + 1)
        assert not autorise(action, hab, ID_CDC, role_cible=AP, compte_cible_id=MOI)
    hab = habilitation(PAR_NOM["AP-O"], compte_id=MOI)
    assert autorise(Action.DELEGUE_ATTRIBUER, hab, ID_O, role_cible=AD, compte_cible_id=MOI + 1)
    assert not autorise(Action.DELEGUE_ATTRIBUER, hab, ID_O, role_cible=AD, compte_cible_id=MOI)


# --- messages ----------------------------------------------------------------------------------
def test_a_refusal_names_the_action_and_the_target_role_in_french():
    with pytest.raises(AccesRefuse) as erreur:
        verifier(
            Action.MOT_DE_PASSE_RENOUVELER,
            habilitation(PAR_NOM["OP-AP"]),
            ID_O,
            role_cible=G,
            compte_cible_id=99,
        )
    assert erreur.value.message == (
        "Votre compte ne permet pas de renouveler le mot de passe de ce compte (gestionnaire)."
    )
    assert suggestion(erreur.value) is None


def test_every_action_has_a_sentence_for_a_gestionnaire():
    assert {action for action, _ in REFUS_GESTIONNAIRE} == set(Action)
    for texte in REFUS_GESTIONNAIRE.values():
        phrase = message(AccesRefuse(texte))
        assert phrase.startswith("Un gestionnaire ") and phrase.endswith("."), phrase
        assert " : " in phrase, phrase  # what he may not do : whom to ask


def test_a_gestionnaire_is_told_what_he_may_not_consult_and_whom_to_ask():
    hab = habilitation(PAR_NOM["G-O"])
    with pytest.raises(AccesRefuse) as erreur:
        verifier(Action.COMPTES_CONSULTER, hab, ID_O, objet="unites")
    assert erreur.value.message == (
        "Un gestionnaire ne consulte pas les unités de son organisme : demandez à votre "
        "administrateur."
    )
    with pytest.raises(AccesRefuse) as erreur:
        verifier(Action.COMPTES_CONSULTER, hab, ID_O)
    assert "les comptes de son organisme" in erreur.value.message


def test_a_refusal_without_target_names_the_action():
    with pytest.raises(AccesRefuse) as erreur:
        verifier(Action.ORGANISME_GERER, habilitation(PAR_NOM["AP-O"]), ID_O)
    assert erreur.value.message == "Votre compte ne permet pas de gérer les organismes."


def test_renewing_ones_own_password_points_to_password_change():
    hab = habilitation(PAR_NOM["AP-O"], compte_id=MOI)
    with pytest.raises(AccesRefuse) as erreur:
        verifier(Action.MOT_DE_PASSE_RENOUVELER, hab, ID_O, role_cible=AP, compte_cible_id=MOI)
    assert erreur.value.message == (
        "Vous ne pouvez pas renouveler le mot de passe de ce compte : "
        "il s'agit de votre propre compte."
    )
    assert suggestion(erreur.value) == "cpfadmin password change"


def test_modifying_ones_own_account_points_to_me_update():
    hab = habilitation(PAR_NOM["AD-O"], compte_id=MOI)
    with pytest.raises(AccesRefuse) as erreur:
        verifier(Action.COMPTE_MODIFIER, hab, ID_O, role_cible=AD, compte_cible_id=MOI)
    assert "propre compte" in erreur.value.message
    assert suggestion(erreur.value) == "cpfadmin me update"


def test_suspending_oneself_gives_no_suggestion():
    hab = habilitation(PAR_NOM["OP-AD"], compte_id=MOI)
    with pytest.raises(AccesRefuse) as erreur:
        verifier(Action.COMPTE_SUSPENDRE, hab, ID_CDC, role_cible=AD, compte_cible_id=MOI)
    assert erreur.value.message == (
        "Vous ne pouvez pas suspendre ce compte : il s'agit de votre propre compte."
    )
    assert suggestion(erreur.value) is None


# --- property: any ids, any employer type ------------------------------------------------------
TYPES_EMPLOYEURS = [t for t in TypeOrganisme if t is not TypeOrganisme.CDC]


@st.composite
def situations(draw):  # type: ignore[no-untyped-def]
    """A random actor, action, organisme and target, with random ids and employer type."""
    cdc, o, o2 = draw(st.lists(st.integers(-(2**31), 2**31), min_size=3, max_size=3, unique=True))
    moi, autre = draw(st.lists(st.integers(1, 2**40), min_size=2, max_size=2, unique=True))
    sorte = draw(st.sampled_from(SORTES))
    action = draw(st.sampled_from(list(Action)))
    sur_soi = draw(st.booleans())
    type_employeur = draw(st.sampled_from(TYPES_EMPLOYEURS))
    if sur_soi and sorte.organisme != "O2":
        organisme = sorte.organisme
        role: Role | None = sorte.role
    else:
        sur_soi = False
        organisme = draw(st.sampled_from(["O", "cdc"]))
        choix = [*ROLES, None] if action in SANS_CIBLE else list(ROLES)
        role = draw(st.sampled_from(choix))
    return (
        sorte,
        action,
        organisme,
        role,
        sur_soi,
        {"cdc": cdc, "O": o, "O2": o2},
        moi,
        autre,
        type_employeur,
    )


@given(situations())
def test_autorise_agrees_with_the_table_for_any_ids_and_employer_type(situation):
    sorte, action, organisme, role, sur_soi, ids, moi, autre, type_employeur = situation
    hab = habilitation(sorte, compte_id=moi, ids=ids, type_employeur=type_employeur)
    cible = moi if sur_soi else autre
    obtenu = autorise(action, hab, ids[organisme], role_cible=role, compte_cible_id=cible)
    if sur_soi and action in INTERDITES_SUR_SOI:
        assert obtenu is False
    else:
        assert obtenu is attendu(action, sorte.nom, organisme, role)
