"""Who may do what (SPEC §2), observed through the real services on a real store.

One world per module (``tests/services/monde.py``): cdc with ``OP-AP`` (its first operator,
from ``initialiser``), ``OP-AD`` and ``G-cdc``; employers ``O`` and ``O2`` with their AP, AD
and G. Every actor is the ``Acteur`` of a real session. Each case calls one service as one
actor and expects one of three outcomes:

- ``o`` allowed: no error, the change is made (and audited, for a change);
- ``.`` refused: ``AccesRefuse``, and nothing at all is written;
- ``e`` the permission is granted but the state forbids it: ``EtatIncompatible`` (exit 6),
  nothing written — the principal admin is never suspended nor removed, nor its rôle changed
  but by designating another one.

Cases that change state act on fresh targets (accounts, unités, organismes made for the case
by ``OP-AP``); a case that designates a principal admin puts the world's one back afterwards.
The expected outcomes are written by hand from SPEC §2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from cpfadmin.cli.errors import CodeSortie, code_pour
from cpfadmin.cli.redaction import suggestion
from cpfadmin.domain.errors import AccesRefuse, EtatIncompatible
from cpfadmin.domain.roles import Role, StatutCompte
from cpfadmin.services import audit, cgu, courrier, gestionnaires, organismes, unites
from cpfadmin.services.acteur import Acteur
from cpfadmin.store.uow import UniteDeTravail
from tests.services.monde import ACTEURS, URL_PORTAIL, Monde, siret_valide

AP, AD, G = Role.ADMINISTRATEUR_PRINCIPAL, Role.ADMINISTRATEUR_DELEGUE, Role.GESTIONNAIRE
ROLES = {"AP": AP, "AD": AD, "G": G}


# --- scenarios ----------------------------------------------------------------------------------
# A scenario prepares what it acts on (``preparer(monde, acteur)`` → context), calls one service
# (``agir(uow, acteur, monde, context)``), and, when allowed, checks its effect
# (``effet(monde, acteur, context, result)``).
@dataclass(frozen=True)
class Scenario:
    nom: str
    agir: Callable[[UniteDeTravail, Acteur, Monde, Any], Any]
    preparer: Callable[[Monde, Acteur], Any] = lambda monde, acteur: None
    effet: Callable[[Monde, Acteur, Any, Any], None] = lambda monde, acteur, ctx, res: None
    ecrit: bool = True  # an allowed call writes an audit event
    nettoyer: Callable[[Monde, Acteur, Any], None] | None = None


def cible(cle: str) -> Callable[[Monde, Acteur], str]:
    """``"G@O"``: a fresh gestionnaire of O; ``"AD@cdc"``: a fresh delegated admin of cdc;
    ``"AP@O"`` / ``"AP@cdc"``: the world's principal admin there (AP-O, OP-AP); ``"soi"``:
    the actor itself; ``"=G-O"``: the account of the actor G-O."""

    def preparer(monde: Monde, acteur: Acteur) -> str:
        if cle == "soi":
            return acteur.identifiant
        if cle.startswith("="):
            return monde.acteurs[cle[1:]].identifiant
        role, organisme = cle.split("@")
        if role == "AP":
            return monde.acteurs["OP-AP" if organisme == "cdc" else f"AP-{organisme}"].identifiant
        return monde.nouveau_compte(organisme, ROLES[role])

    return preparer


def cible_suspendue(cle: str) -> Callable[[Monde, Acteur], str]:
    """As ``cible``, suspended first by OP-AP (the principal admin stays active: it cannot be
    suspended)."""

    def preparer(monde: Monde, acteur: Acteur) -> str:
        role, organisme = cle.split("@")
        if role == "AP":
            return cible(cle)(monde, acteur)
        return monde.compte_suspendu(organisme, ROLES[role])

    return preparer


def _statut_est(statut: StatutCompte) -> Callable[[Monde, Acteur, str, Any], None]:
    def effet(monde: Monde, acteur: Acteur, identifiant: str, resultat: Any) -> None:
        assert monde.compte(identifiant).statut == statut.value

    return effet


def _role_est(role: Role) -> Callable[[Monde, Acteur, str, Any], None]:
    def effet(monde: Monde, acteur: Acteur, identifiant: str, resultat: Any) -> None:
        assert monde.compte(identifiant).role == role.value

    return effet


def _ajouter(organisme: str, delegue: bool) -> Scenario:
    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, ctx: Any) -> Any:
        return gestionnaires.ajouter(
            u,
            acteur,
            monde.politiques,
            URL_PORTAIL,
            organisme_siret=monde.sirets[organisme],
            nom="Nouveau",
            prenom="Noé",
            email=monde.email(),
            telephone_mobile="0698765432",
            delegue=delegue,
        )

    def effet(monde: Monde, acteur: Acteur, ctx: Any, cree: Any) -> None:
        compte = monde.compte(cree.identifiant)
        assert compte.role == (AD if delegue else G).value
        assert cree.vue["organisme_siret"] == monde.sirets[organisme]

    return Scenario(f"ajouter[{'AD' if delegue else 'G'}@{organisme}]", agir, effet=effet)


def _modifier(cle: str) -> Scenario:
    def preparer(monde: Monde, acteur: Acteur) -> tuple[str, str]:
        return cible(cle)(monde, acteur), f"Prénom {monde.numero()}"

    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, ctx: tuple[str, str]) -> Any:
        return gestionnaires.modifier(u, acteur, ctx[0], prenom=ctx[1])

    def effet(monde: Monde, acteur: Acteur, ctx: tuple[str, str], resultat: Any) -> None:
        assert monde.compte(ctx[0]).prenom == ctx[1]

    return Scenario(f"modifier[{cle}]", agir, preparer, effet)


def _delegue(cle: str, delegue: bool) -> Scenario:
    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, identifiant: str) -> Any:
        return gestionnaires.modifier(u, acteur, identifiant, delegue=delegue)

    nom = "accorder-delegue" if delegue else "retirer-delegue"
    return Scenario(f"{nom}[{cle}]", agir, cible(cle), _role_est(AD if delegue else G))


def _delegue_soi() -> Scenario:
    """Grant délégué to oneself (a G) or withdraw it from oneself (an AP or AD)."""

    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, identifiant: str) -> Any:
        return gestionnaires.modifier(u, acteur, identifiant, delegue=acteur.role is G)

    return Scenario("delegue[soi]", agir, cible("soi"))


def _statut(nom: str, cle: str) -> Scenario:
    service, preparer, statut = {
        "suspendre": (gestionnaires.suspendre, cible(cle), StatutCompte.SUSPENDU),
        "supprimer": (gestionnaires.supprimer, cible(cle), StatutCompte.SUPPRIME),
        "reactiver": (gestionnaires.reactiver, cible_suspendue(cle), StatutCompte.ACTIF),
    }[nom]
    if cle == "soi":
        preparer = cible("soi")

    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, identifiant: str) -> Any:
        return service(u, acteur, identifiant)

    return Scenario(f"{nom}[{cle}]", agir, preparer, _statut_est(statut))


def _lister(organisme: str) -> Scenario:
    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, ctx: Any) -> Any:
        return gestionnaires.lister(u, acteur, organisme_siret=monde.sirets[organisme])

    def effet(monde: Monde, acteur: Acteur, ctx: Any, comptes: Any) -> None:
        assert comptes and {c["organisme_siret"] for c in comptes} == {monde.sirets[organisme]}

    return Scenario(f"lister[{organisme}]", agir, effet=effet, ecrit=False)


def _montrer(titulaire: str) -> Scenario:
    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, identifiant: str) -> Any:
        return gestionnaires.montrer(u, acteur, identifiant)

    def effet(monde: Monde, acteur: Acteur, identifiant: str, vue: Any) -> None:
        assert vue["identifiant"] == identifiant

    return Scenario(f"montrer[{titulaire}]", agir, cible("=" + titulaire), effet, ecrit=False)


def _unite(nom: str, organisme: str) -> Scenario:
    def preparer(monde: Monde, acteur: Acteur) -> str | None:
        return monde.nouvelle_unite(organisme) if nom in ("renommer", "supprimer") else None

    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, libelle: str | None) -> Any:
        siret = monde.sirets[organisme]
        if nom == "ajouter":
            return unites.ajouter(u, acteur, f"Unité {monde.numero()}", organisme_siret=siret)
        if nom == "renommer":
            return unites.renommer(u, acteur, libelle, f"{libelle} bis", organisme_siret=siret)  # type: ignore[arg-type]
        if nom == "supprimer":
            return unites.supprimer(u, acteur, libelle, organisme_siret=siret)  # type: ignore[arg-type]
        return unites.lister(u, acteur, organisme_siret=siret)

    def effet(monde: Monde, acteur: Acteur, libelle: str | None, resultat: Any) -> None:
        if nom == "lister":
            assert isinstance(resultat, list)
        else:
            assert resultat["organisme_siret"] == monde.sirets[organisme]

    return Scenario(f"unites-{nom}[{organisme}]", agir, preparer, effet, ecrit=nom != "lister")


def _organisme_ajouter() -> Scenario:
    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, ctx: Any) -> Any:
        return organismes.ajouter(
            u,
            acteur,
            siret=siret_valide(1000 + monde.numero()),
            raison_sociale="Nouvel employeur",
            type_="opco",
        )

    def effet(monde: Monde, acteur: Acteur, ctx: Any, vue: Any) -> None:
        assert vue["raison_sociale"] == "Nouvel employeur"

    return Scenario("organismes-ajouter", agir, effet=effet)


def _organisme_lister() -> Scenario:
    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, ctx: Any) -> Any:
        return organismes.lister(u, acteur)

    def effet(monde: Monde, acteur: Acteur, ctx: Any, liste: Any) -> None:
        assert set(monde.sirets.values()) <= {o["siret"] for o in liste}

    return Scenario("organismes-lister", agir, effet=effet, ecrit=False)


def _organisme_modifier(organisme: str) -> Scenario:
    def preparer(monde: Monde, acteur: Acteur) -> str:
        return f"Raison sociale {monde.numero()}"

    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, raison: str) -> Any:
        return organismes.modifier(u, acteur, monde.sirets[organisme], raison_sociale=raison)

    def effet(monde: Monde, acteur: Acteur, raison: str, vue: Any) -> None:
        assert vue["raison_sociale"] == raison

    return Scenario(f"organismes-modifier[{organisme}]", agir, preparer, effet)


def _designer(organisme: str) -> Scenario:
    principal = "OP-AP" if organisme == "cdc" else f"AP-{organisme}"

    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, ctx: Any) -> Any:
        return organismes.designer_administrateur(
            u,
            acteur,
            monde.politiques,
            URL_PORTAIL,
            monde.sirets[organisme],
            donnees={
                "nom": "Nouveau",
                "prenom": "Principal",
                "email": monde.email(),
                "telephone_mobile": "0655443322",
            },
        )

    def effet(monde: Monde, acteur: Acteur, ctx: Any, designation: Any) -> None:
        assert designation.ancien_administrateur == monde.acteurs[principal].identifiant
        assert monde.compte(designation.identifiant).role == AP.value
        assert monde.compte(designation.ancien_administrateur).role == AD.value

    def nettoyer(monde: Monde, acteur: Acteur, ctx: Any) -> None:
        if monde.compte(monde.acteurs[principal].identifiant).role != AP.value:
            monde.redesigner(organisme, principal)

    return Scenario(f"organismes-designer[{organisme}]", agir, effet=effet, nettoyer=nettoyer)


def _cgu_publier() -> Scenario:
    def preparer(monde: Monde, acteur: Acteur) -> str:
        return f"9.{monde.numero()}"

    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, version: str) -> Any:
        return cgu.publier(u, acteur, "Nouvelles conditions générales.", version)

    def effet(monde: Monde, acteur: Acteur, version: str, resultat: Any) -> None:
        assert resultat["version"] == version

    return Scenario("cgu-publier", agir, preparer, effet)


def _audit_lister(organisme: str | None) -> Scenario:
    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, ctx: Any) -> Any:
        siret = monde.sirets[organisme] if organisme else None
        return audit.lister(u, acteur, organisme=siret, limite=None)

    def effet(monde: Monde, acteur: Acteur, ctx: Any, evenements: Any) -> None:
        assert evenements
        vus = {e["organisme"] for e in evenements}
        if organisme:
            assert vus == {monde.sirets[organisme]}
        elif not acteur.est_operateur:  # AP/AD: the events of their organisme only
            assert vus == {acteur.organisme_siret}
        else:
            assert set(monde.sirets.values()) <= vus

    return Scenario(f"audit-lister[{organisme or 'tous'}]", agir, effet=effet, ecrit=False)


def _courrier_lister() -> Scenario:
    def agir(u: UniteDeTravail, acteur: Acteur, monde: Monde, ctx: Any) -> Any:
        return courrier.lister(u, acteur)

    def effet(monde: Monde, acteur: Acteur, ctx: Any, liste: Any) -> None:
        assert liste and all(m["identifiant"] for m in liste)
        assert "secret" not in liste[0] and "corps" not in liste[0]

    return Scenario("outbox-lister", agir, effet=effet, ecrit=False)


# --- expected outcomes, by hand -----------------------------------------------------------------
# One column per actor:  OP-AP OP-AD G-cdc AP-O AD-O G-O AP-O2 AD-O2 G-O2
#   o allowed   . AccesRefuse   e EtatIncompatible (allowed, but the state forbids it)
ATTENDUS: list[tuple[Scenario, str]] = [
    # add a gestionnaire in O: AP(O), AD(O), OP; with délégué: AP(O), OP
    (_ajouter("O", delegue=False), "o o . o o . . . ."),
    (_ajouter("cdc", delegue=False), "o o . . . . . . ."),
    (_ajouter("O", delegue=True), "o o . o . . . . ."),
    (_ajouter("cdc", delegue=True), "o o . . . . . . ."),
    # update an account T of O: AP(O) and OP for AD/G, AD(O) for G only, OP also for AP
    (_modifier("AP@O"), "o o . . . . . . ."),
    (_modifier("AD@O"), "o o . o . . . . ."),
    (_modifier("G@O"), "o o . o o . . . ."),
    (_modifier("AP@cdc"), ". o . . . . . . ."),  # OP-AP is the target: itself
    (_modifier("AD@cdc"), "o o . . . . . . ."),
    (_modifier("G@cdc"), "o o . . . . . . ."),
    # grant / withdraw délégué: AP(O), OP; never on the principal admin (designation only)
    (_delegue("G@O", True), "o o . o . . . . ."),
    (_delegue("AD@O", False), "o o . o . . . . ."),
    (_delegue("AP@O", False), "e e . . . . . . ."),
    (_delegue("G@cdc", True), "o o . . . . . . ."),
    (_delegue("AD@cdc", False), "o o . . . . . . ."),
    (_delegue("AP@cdc", False), ". e . . . . . . ."),
    # suspend / remove: as update; the principal admin never (designate another first)
    (_statut("suspendre", "AP@O"), "e e . . . . . . ."),
    (_statut("suspendre", "AD@O"), "o o . o . . . . ."),
    (_statut("suspendre", "G@O"), "o o . o o . . . ."),
    (_statut("suspendre", "AP@cdc"), ". e . . . . . . ."),
    (_statut("suspendre", "AD@cdc"), "o o . . . . . . ."),
    (_statut("suspendre", "G@cdc"), "o o . . . . . . ."),
    (_statut("supprimer", "AP@O"), "e e . . . . . . ."),
    (_statut("supprimer", "AD@O"), "o o . o . . . . ."),
    (_statut("supprimer", "G@O"), "o o . o o . . . ."),
    (_statut("supprimer", "AP@cdc"), ". e . . . . . . ."),
    (_statut("supprimer", "AD@cdc"), "o o . . . . . . ."),
    (_statut("supprimer", "G@cdc"), "o o . . . . . . ."),
    # reactivate a suspended account: as update (the principal admin is active: "déjà actif")
    (_statut("reactiver", "AP@O"), "e e . . . . . . ."),
    (_statut("reactiver", "AD@O"), "o o . o . . . . ."),
    (_statut("reactiver", "G@O"), "o o . o o . . . ."),
    (_statut("reactiver", "AP@cdc"), ". e . . . . . . ."),
    (_statut("reactiver", "AD@cdc"), "o o . . . . . . ."),
    (_statut("reactiver", "G@cdc"), "o o . . . . . . ."),
    # nobody updates, suspends, removes, reactivates themselves nor changes their own délégué
    (_modifier("soi"), ". . . . . . . . ."),
    (_statut("suspendre", "soi"), ". . . . . . . . ."),
    (_statut("supprimer", "soi"), ". . . . . . . . ."),
    (_statut("reactiver", "soi"), ". . . . . . . . ."),
    (_delegue_soi(), ". . . . . . . . ."),
    # list / show accounts of O: AP(O), AD(O), OP; a gestionnaire shows itself only
    (_lister("O"), "o o . o o . . . ."),
    (_lister("cdc"), "o o . . . . . . ."),
    (_montrer("G-O"), "o o . o o o . . ."),
    (_montrer("AD-O"), "o o . o o . . . ."),
    (_montrer("G-cdc"), "o o o . . . . . ."),
    (_montrer("OP-AP"), "o o . . . . . . ."),
    # unités of O: AP(O), AD(O), OP (listing them: as listing accounts)
    (_unite("ajouter", "O"), "o o . o o . . . ."),
    (_unite("renommer", "O"), "o o . o o . . . ."),
    (_unite("supprimer", "O"), "o o . o o . . . ."),
    (_unite("lister", "O"), "o o . o o . . . ."),
    (_unite("ajouter", "cdc"), "o o . . . . . . ."),
    (_unite("renommer", "cdc"), "o o . . . . . . ."),
    (_unite("supprimer", "cdc"), "o o . . . . . . ."),
    (_unite("lister", "cdc"), "o o . . . . . . ."),
    # organismes, designation of the principal admin, CGU: OP only
    (_organisme_ajouter(), "o o . . . . . . ."),
    (_organisme_lister(), "o o . . . . . . ."),
    (_organisme_modifier("O"), "o o . . . . . . ."),
    (_organisme_modifier("cdc"), "o o . . . . . . ."),
    (_designer("O"), "o o . . . . . . ."),
    (_designer("cdc"), "o . . . . . . . ."),  # the CDC's own: its principal only (issue 13)
    (_cgu_publier(), "o o . . . . . . ."),
    # audit: OP all; AP(O), AD(O) the events of O; gestionnaires none
    (_audit_lister(None), "o o . o o . o o ."),
    (_audit_lister("O"), "o o . o o . . . ."),
    (_audit_lister("cdc"), "o o . . . . . . ."),
    # the outbox: OP all; AP(O), AD(O) the messages of O
    (_courrier_lister(), "o o . o o . o o ."),
]

ISSUES = {"o": "autorise", ".": "refuse", "e": "etat-incompatible"}


def _cas() -> list[Any]:
    cas = []
    for scenario, ligne in ATTENDUS:
        codes = ligne.split()
        assert len(codes) == len(ACTEURS), scenario.nom
        for acteur, code in zip(ACTEURS, codes, strict=True):
            issue = ISSUES[code]
            cas.append(
                pytest.param(scenario, acteur, issue, id=f"{scenario.nom}-par-{acteur}-{issue}")
            )
    return cas


@pytest.mark.parametrize(("scenario", "nom_acteur", "issue"), _cas())
def test_permission(monde: Monde, scenario: Scenario, nom_acteur: str, issue: str) -> None:
    acteur = monde.acteurs[nom_acteur]
    contexte = scenario.preparer(monde, acteur)
    avant = monde.empreinte()
    try:
        if issue == "autorise":
            resultat = monde.executer(lambda u: scenario.agir(u, acteur, monde, contexte))
            if scenario.ecrit:
                assert monde.evenements() > avant["compteurs"][0], "an allowed change is audited"
            else:
                assert monde.empreinte() == avant
            scenario.effet(monde, acteur, contexte, resultat)
        else:
            attendue = AccesRefuse if issue == "refuse" else EtatIncompatible
            with pytest.raises(attendue) as erreur:
                monde.executer(lambda u: scenario.agir(u, acteur, monde, contexte))
            assert erreur.value.message and erreur.value.message[-1] in ".»"
            assert monde.empreinte() == avant, "a refused call wrote something"
    finally:
        if scenario.nettoyer is not None:
            scenario.nettoyer(monde, acteur, contexte)


# --- the principal admin, separately ------------------------------------------------------------
@pytest.mark.parametrize("service", ["suspendre", "supprimer"])
@pytest.mark.parametrize(("operateur", "principal"), [("OP-AP", "AP-O"), ("OP-AD", "OP-AP")])
def test_the_principal_admin_is_never_suspended_nor_removed_exit_6(
    monde: Monde, service: str, operateur: str, principal: str
) -> None:
    """Allowed by the table (OP may act on an AP), refused by the state: exit 6, not 4."""
    identifiant = monde.acteurs[principal].identifiant
    avant = monde.empreinte()
    with pytest.raises(EtatIncompatible) as erreur:
        monde.executer(
            lambda u: getattr(gestionnaires, service)(u, monde.acteurs[operateur], identifiant)
        )
    assert not isinstance(erreur.value, AccesRefuse)
    assert code_pour(erreur.value) is CodeSortie.CONFLIT
    assert "administrateur principal" in erreur.value.message
    assert suggestion(erreur.value) == (
        f"cpfadmin organismes designate-admin {monde.acteurs[principal].organisme_siret}"
    )
    assert monde.empreinte() == avant
    assert monde.compte(identifiant).statut == StatutCompte.ACTIF.value


def test_a_refusal_maps_to_exit_4(monde: Monde) -> None:
    cible_ = monde.nouveau_compte("O", AD)
    with pytest.raises(AccesRefuse) as erreur:
        monde.executer(lambda u: gestionnaires.suspendre(u, monde.acteurs["AD-O"], cible_))
    assert code_pour(erreur.value) is CodeSortie.INTERDIT
    assert erreur.value.message == (
        "Votre compte ne permet pas de suspendre ce compte (administrateur délégué)."
    )


def test_a_delegated_admin_cannot_slip_a_delegation_into_a_field_change(monde: Monde) -> None:
    """AD(O) may update a gestionnaire, not make it délégué: the whole call is refused and the
    field change it carried is not written either."""
    identifiant = monde.nouveau_compte("O", G)
    avant = monde.empreinte()
    with pytest.raises(AccesRefuse):
        monde.executer(
            lambda u: gestionnaires.modifier(
                u, monde.acteurs["AD-O"], identifiant, prenom="Glissé", delegue=True
            )
        )
    assert monde.empreinte() == avant
    compte = monde.compte(identifiant)
    assert (compte.prenom, compte.role) == ("Camille", G.value)


def test_refusing_to_act_on_oneself_points_to_the_own_account_commands(monde: Monde) -> None:
    acteur = monde.acteurs["AP-O"]
    with pytest.raises(AccesRefuse) as erreur:
        monde.executer(lambda u: gestionnaires.modifier(u, acteur, acteur.identifiant, nom="X"))
    assert "votre propre compte" in erreur.value.message
    assert suggestion(erreur.value) == "cpfadmin me update"


def test_an_operator_does_not_designate_itself_principal_admin(monde: Monde) -> None:
    acteur = monde.acteurs["OP-AD"]
    avant = monde.empreinte()
    try:
        with pytest.raises(AccesRefuse):
            monde.executer(
                lambda u: organismes.designer_administrateur(
                    u,
                    acteur,
                    monde.politiques,
                    URL_PORTAIL,
                    monde.sirets["cdc"],
                    identifiant=acteur.identifiant,
                )
            )
        assert monde.empreinte() == avant
    finally:
        if monde.compte(acteur.identifiant).role == AP.value:
            # put the world back: OP-AP principal, OP-AD delegated
            monde.executer(
                lambda u: organismes.designer_administrateur(
                    u,
                    acteur,
                    monde.politiques,
                    URL_PORTAIL,
                    monde.sirets["cdc"],
                    identifiant=monde.acteurs["OP-AP"].identifiant,
                )
            )
        assert monde.compte(monde.acteurs["OP-AP"].identifiant).role == AP.value
        assert monde.compte(acteur.identifiant).role == AD.value
