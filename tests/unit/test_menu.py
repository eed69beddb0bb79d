"""The portal's left menu (SPEC §2), as ``cpfadmin me`` shows it. The expected table is
written out below from the SPEC, not recomputed from the code's table."""

from __future__ import annotations

import pytest

from cpfadmin.domain import menu
from cpfadmin.domain.menu import EntreeMenu, FonctionOuverte, menu_pour
from cpfadmin.domain.roles import Niveau, Role, TypeOrganisme

# (libellé, lecture seule)
MDP = ("Mes données personnelles", False)
GH = ("Gérer les habilitations", False)
ET = ("Espace Titulaire des salariés ayant délégué au Conseil régional", False)
CS = ("Clôture simplifiée", False)
ET_LS = (ET[0], True)
CS_LS = (CS[0], True)

# type d'organisme, rôle, niveau d'habilitation → menu, in order.
MENU_ATTENDU = [
    # cdc
    ("cdc", "administrateur_principal", None, [MDP, GH]),
    ("cdc", "administrateur_principal", "consultation", [MDP, GH]),
    ("cdc", "administrateur_principal", "gestion", [MDP, GH]),
    ("cdc", "administrateur_delegue", None, [MDP, GH]),
    ("cdc", "administrateur_delegue", "consultation", [MDP, GH]),
    ("cdc", "administrateur_delegue", "gestion", [MDP, GH]),
    ("cdc", "gestionnaire", None, [MDP]),
    ("cdc", "gestionnaire", "consultation", [MDP]),
    ("cdc", "gestionnaire", "gestion", [MDP]),
    # employeur_public
    ("employeur_public", "administrateur_principal", None, [MDP, GH]),
    ("employeur_public", "administrateur_principal", "consultation", [MDP, GH]),
    ("employeur_public", "administrateur_principal", "gestion", [MDP, GH]),
    ("employeur_public", "administrateur_delegue", None, [MDP, GH]),
    ("employeur_public", "administrateur_delegue", "consultation", [MDP, GH]),
    ("employeur_public", "administrateur_delegue", "gestion", [MDP, GH]),
    ("employeur_public", "gestionnaire", None, [MDP]),
    ("employeur_public", "gestionnaire", "consultation", [MDP]),
    ("employeur_public", "gestionnaire", "gestion", [MDP]),
    # employeur_prive
    ("employeur_prive", "administrateur_principal", None, [MDP, GH]),
    ("employeur_prive", "administrateur_principal", "consultation", [MDP, GH]),
    ("employeur_prive", "administrateur_principal", "gestion", [MDP, GH]),
    ("employeur_prive", "administrateur_delegue", None, [MDP, GH]),
    ("employeur_prive", "administrateur_delegue", "consultation", [MDP, GH]),
    ("employeur_prive", "administrateur_delegue", "gestion", [MDP, GH]),
    ("employeur_prive", "gestionnaire", None, [MDP]),
    ("employeur_prive", "gestionnaire", "consultation", [MDP]),
    ("employeur_prive", "gestionnaire", "gestion", [MDP]),
    # conseil_regional
    ("conseil_regional", "administrateur_principal", None, [MDP, GH, ET, CS]),
    ("conseil_regional", "administrateur_principal", "consultation", [MDP, GH, ET_LS, CS_LS]),
    ("conseil_regional", "administrateur_principal", "gestion", [MDP, GH, ET, CS]),
    ("conseil_regional", "administrateur_delegue", None, [MDP, GH, ET, CS]),
    ("conseil_regional", "administrateur_delegue", "consultation", [MDP, GH, ET_LS, CS_LS]),
    ("conseil_regional", "administrateur_delegue", "gestion", [MDP, GH, ET, CS]),
    ("conseil_regional", "gestionnaire", None, [MDP, ET, CS]),
    ("conseil_regional", "gestionnaire", "consultation", [MDP, ET_LS, CS_LS]),
    ("conseil_regional", "gestionnaire", "gestion", [MDP, ET, CS]),
    # opco
    ("opco", "administrateur_principal", None, [MDP, GH]),
    ("opco", "administrateur_principal", "consultation", [MDP, GH]),
    ("opco", "administrateur_principal", "gestion", [MDP, GH]),
    ("opco", "administrateur_delegue", None, [MDP, GH]),
    ("opco", "administrateur_delegue", "consultation", [MDP, GH]),
    ("opco", "administrateur_delegue", "gestion", [MDP, GH]),
    ("opco", "gestionnaire", None, [MDP]),
    ("opco", "gestionnaire", "consultation", [MDP]),
    ("opco", "gestionnaire", "gestion", [MDP]),
    # france_travail
    ("france_travail", "administrateur_principal", None, [MDP, GH]),
    ("france_travail", "administrateur_principal", "consultation", [MDP, GH]),
    ("france_travail", "administrateur_principal", "gestion", [MDP, GH]),
    ("france_travail", "administrateur_delegue", None, [MDP, GH]),
    ("france_travail", "administrateur_delegue", "consultation", [MDP, GH]),
    ("france_travail", "administrateur_delegue", "gestion", [MDP, GH]),
    ("france_travail", "gestionnaire", None, [MDP]),
    ("france_travail", "gestionnaire", "consultation", [MDP]),
    ("france_travail", "gestionnaire", "gestion", [MDP]),
]


def test_expected_table_covers_every_type_role_and_niveau():
    cles = {(t, r, n) for t, r, n, _ in MENU_ATTENDU}
    attendues = {
        (t.value, r.value, n)
        for t in TypeOrganisme
        for r in Role
        for n in (None, *(niveau.value for niveau in Niveau))
    }
    assert cles == attendues
    assert len(MENU_ATTENDU) == len(attendues) == 54


@pytest.mark.parametrize(("type_organisme", "role", "niveau", "attendu"), MENU_ATTENDU)
def test_menu_of_each_type_role_and_niveau_matches_the_spec(type_organisme, role, niveau, attendu):
    obtenu = [(f.libelle, f.lecture_seule) for f in menu_pour(type_organisme, role, niveau)]
    assert obtenu == attendu


def test_conseil_regional_gestionnaire_sees_espace_titulaire_and_cloture_simplifiee():
    libelles = [f.libelle for f in menu_pour("conseil_regional", "gestionnaire", "gestion")]
    assert "Espace Titulaire des salariés ayant délégué au Conseil régional" in libelles
    assert "Clôture simplifiée" in libelles


@pytest.mark.parametrize(
    "type_organisme", ["cdc", "employeur_public", "employeur_prive", "opco", "france_travail"]
)
def test_cloture_simplifiee_is_reserved_to_conseils_regionaux(type_organisme):
    for role in Role:
        libelles = [f.libelle for f in menu_pour(type_organisme, role, "gestion")]
        assert "Clôture simplifiée" not in libelles


def test_only_administrators_may_open_gerer_les_habilitations():
    for type_organisme in TypeOrganisme:
        for role in Role:
            libelles = [f.libelle for f in menu_pour(type_organisme, role, None)]
            assert ("Gérer les habilitations" in libelles) is (role is not Role.GESTIONNAIRE)


def test_consultation_makes_business_functions_read_only_but_not_personal_data():
    fonctions = {
        f.libelle: f.lecture_seule
        for f in menu_pour("conseil_regional", "administrateur_delegue", "consultation")
    }
    assert fonctions == {
        "Mes données personnelles": False,
        "Gérer les habilitations": False,
        "Espace Titulaire des salariés ayant délégué au Conseil régional": True,
        "Clôture simplifiée": True,
    }


def test_consultation_has_no_effect_for_employeur_public(monkeypatch):
    # No business function of today's menu reaches employeur_public: add one for every type, to
    # see the niveau rule of SPEC §2 at work there.
    metier = EntreeMenu("Fonction métier", "Pour le test", types=None, roles=None, metier=True)
    monkeypatch.setattr(menu, "MENU", (*menu.MENU, metier))

    def lecture_seule(type_organisme, niveau):
        (fonction,) = [
            f
            for f in menu_pour(type_organisme, "gestionnaire", niveau)
            if f.libelle == metier.libelle
        ]
        return fonction.lecture_seule

    assert lecture_seule("employeur_public", "consultation") is False
    assert lecture_seule("employeur_prive", "consultation") is True
    assert lecture_seule("opco", "consultation") is True
    assert lecture_seule("employeur_prive", "gestion") is False
    assert lecture_seule("employeur_prive", None) is False


def test_menu_accepts_enums_as_well_as_their_names():
    assert menu_pour(
        TypeOrganisme.CONSEIL_REGIONAL, Role.GESTIONNAIRE, Niveau.CONSULTATION
    ) == menu_pour("conseil_regional", "gestionnaire", "consultation")


def test_every_function_carries_a_description():
    for fonction in menu_pour("conseil_regional", "administrateur_principal", None):
        assert isinstance(fonction, FonctionOuverte)
        assert fonction.description.strip()


@pytest.mark.parametrize(
    ("type_organisme", "role", "niveau"),
    [
        ("mairie", "gestionnaire", None),
        ("opco", "stagiaire", None),
        ("opco", "gestionnaire", "total"),
    ],
)
def test_unknown_type_role_or_niveau_is_refused(type_organisme, role, niveau):
    with pytest.raises(ValueError):
        menu_pour(type_organisme, role, niveau)
