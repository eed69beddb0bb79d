"""Exit codes (SPEC §5): one table maps the error tree to them."""

from __future__ import annotations

import inspect

import pytest

from cpfadmin.cli.errors import CodeSortie, code_pour
from cpfadmin.domain import errors
from cpfadmin.domain.errors import ErreurCpf

# SPEC §5: 1 unexpected, 2 usage, 3 authentication, 4 forbidden, 5 not found, 6 conflict,
# 7 invalid input, 8 store or keyring unavailable.
CODE_ATTENDU = {
    "ErreurCpf": 1,
    "SaisieRequise": 2,
    "ErreurAuthentification": 3,
    "NonConnecte": 3,
    "SessionExpiree": 3,
    "IdentifiantsInvalides": 3,
    "CompteVerrouille": 3,
    "MotDePasseTemporaireExpire": 3,
    "CguNonAcceptees": 3,
    "TropDeTentatives": 3,
    "AccesRefuse": 4,
    "Introuvable": 5,
    "Conflit": 6,
    "DejaInitialise": 6,
    "DejaExistant": 6,
    "EtatIncompatible": 6,
    "DonneeInvalide": 7,
    "MotDePasseNonConforme": 7,
    "TransportNonAdmis": 7,
    "StockageIndisponible": 8,
    "BaseNonInitialisee": 8,
    "BaseAMettreAJour": 8,
    "DelaiDepasse": 8,
}


def classes_d_erreur():
    return {
        nom: classe
        for nom, classe in inspect.getmembers(errors, inspect.isclass)
        if issubclass(classe, ErreurCpf) and classe.__module__ == errors.__name__
    }


def instance(classe):
    if issubclass(classe, errors.MotDePasseNonConforme):
        return classe("longueur_min", "Mot de passe trop court.")
    return classe()


def test_exit_code_values_are_those_of_the_spec():
    assert {c.name: c.value for c in CodeSortie} == {
        "SUCCES": 0,
        "ERREUR_INATTENDUE": 1,
        "USAGE": 2,
        "AUTHENTIFICATION": 3,
        "INTERDIT": 4,
        "INTROUVABLE": 5,
        "CONFLIT": 6,
        "DONNEE_INVALIDE": 7,
        "INDISPONIBLE": 8,
        "INTERROMPU": 130,
    }


def test_expected_table_names_every_error_class_of_the_module():
    # A new error class must be given its exit code here, on purpose.
    assert set(classes_d_erreur()) == set(CODE_ATTENDU)


@pytest.mark.parametrize(("nom", "code"), sorted(CODE_ATTENDU.items()))
def test_each_error_class_maps_to_its_spec_exit_code(nom, code):
    assert code_pour(instance(getattr(errors, nom))) == code


@pytest.mark.parametrize(
    "classe",
    [c for c in classes_d_erreur().values() if c is not ErreurCpf],
    ids=lambda c: c.__name__,
)
def test_every_error_subclass_maps_to_a_code_other_than_unexpected(classe):
    assert code_pour(instance(classe)) != CodeSortie.ERREUR_INATTENDUE


def test_a_subclass_defined_elsewhere_inherits_the_code_of_its_family():
    class CompteInconnu(errors.Introuvable):
        pass

    assert code_pour(CompteInconnu("Compte inconnu.")) == CodeSortie.INTROUVABLE


@pytest.mark.parametrize(
    "classe",
    [c for c in classes_d_erreur().values() if c is not ErreurCpf],
    ids=lambda c: c.__name__,
)
def test_every_error_carries_a_message_for_the_user(classe):
    erreur = instance(classe)
    assert erreur.message.strip()
    assert str(erreur) == erreur.message


def test_a_given_message_replaces_the_default_one():
    erreur = errors.Introuvable("Compte introuvable : KQ7MZ3RT.")
    assert erreur.message == str(erreur) == "Compte introuvable : KQ7MZ3RT."


def test_authentication_errors_that_need_a_login_suggest_it():
    from cpfadmin.cli.redaction import suggestion

    assert suggestion(errors.NonConnecte()) == "cpfadmin login"
    assert suggestion(errors.SessionExpiree()) == "cpfadmin login"


def test_unknown_and_wrong_password_share_one_message():
    # No account enumeration: the message cannot tell which of the two was wrong.
    message = errors.IdentifiantsInvalides().message
    assert "Identifiant ou mot de passe" in message
