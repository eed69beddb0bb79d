"""The application layer as a front end uses it (issue 14): use cases that take a session token
and plain arguments, return plain data and raise the domain's errors — with no command line in
between, on the suite's real store (SQLite, or PostgreSQL in CI)."""

from __future__ import annotations

import json

import pytest

from cpfadmin.application import Application
from cpfadmin.application.connexion import CGU, NOUVEAU_MOT_DE_PASSE
from cpfadmin.domain.errors import (
    AccesRefuse,
    CguNonAcceptees,
    DonneeInvalide,
    ErreurAuthentification,
    IdentifiantsInvalides,
    MotDePasseNonConforme,
    NonConnecte,
    Option,
)
from tests.support.console import MOT_DE_PASSE_ADMIN, courriels, mot_de_passe_temporaire

ADRESSE = "paul.durand@exemple.fr"


@pytest.fixture
def app(url_base):
    avertissements: list[str] = []
    application = Application(url_base=url_base, avertir=avertissements.append)
    application.avertissements = avertissements  # type: ignore[attr-defined]
    return application


@pytest.fixture
def jeton_operateur(app, initialise):
    identifiant, temporaire = initialise
    etape = app.connexion.commencer(identifiant, temporaire)
    fin = app.connexion.terminer(
        etape["jeton_etape"],
        nouveau_mot_de_passe=MOT_DE_PASSE_ADMIN,
        cgu_acceptee=etape["cgu"]["version"],
    )
    return fin["jeton"]


def serialisable(valeur) -> bool:  # type: ignore[no-untyped-def]
    json.dumps(valeur, default=str)
    return True


# --- login as a protocol -------------------------------------------------------------------------
def test_step_one_names_the_steps_left_and_returns_no_secret_of_the_store(app, initialise):
    identifiant, temporaire = initialise
    etape = app.connexion.commencer(identifiant, temporaire)
    assert set(etape) == {
        "jeton_etape", "identifiant", "etapes", "changement_requis", "regles", "cgu",
    }  # fmt: skip
    assert etape["etapes"] == [NOUVEAU_MOT_DE_PASSE, CGU]
    assert etape["changement_requis"] == "temporaire"
    assert etape["regles"] and all(isinstance(r, str) for r in etape["regles"])
    assert set(etape["cgu"]) == {"version", "texte"}
    assert serialisable(etape)
    texte = json.dumps(etape, default=str)
    # Neither the temporary password nor any digest the store keeps of it.
    assert temporaire not in texte
    assert "$2b$" not in texte and "sha256" not in texte.lower()


def test_step_two_continues_only_the_login_its_step_token_names_and_only_once(app, initialise):
    identifiant, temporaire = initialise
    etape = app.connexion.commencer(identifiant, temporaire)
    with pytest.raises(ErreurAuthentification):
        app.connexion.terminer(
            etape["jeton_etape"][:-2] + "xx", nouveau_mot_de_passe=MOT_DE_PASSE_ADMIN
        )
    fin = app.connexion.terminer(
        etape["jeton_etape"],
        nouveau_mot_de_passe=MOT_DE_PASSE_ADMIN,
        cgu_acceptee=etape["cgu"]["version"],
    )
    assert fin["identifiant"] == identifiant and fin["mot_de_passe_change"]
    assert fin["cgu_acceptee"] == etape["cgu"]["version"]
    assert serialisable(fin)
    with pytest.raises(ErreurAuthentification):
        app.connexion.terminer(etape["jeton_etape"], nouveau_mot_de_passe="Encore-Une-Autre-2027!")
    # The session opened is the one the token names.
    assert app.moi.profil(fin["jeton"])["identifiant"] == identifiant


def test_a_new_password_is_checked_against_the_step_and_the_step_stays_open(app, initialise):
    identifiant, temporaire = initialise
    etape = app.connexion.commencer(identifiant, temporaire)
    with pytest.raises(MotDePasseNonConforme):
        app.connexion.verifier_nouveau(etape["jeton_etape"], "court")
    with pytest.raises(MotDePasseNonConforme):
        app.connexion.verifier_nouveau(etape["jeton_etape"], temporaire)
    app.connexion.verifier_nouveau(etape["jeton_etape"], MOT_DE_PASSE_ADMIN)
    fin = app.connexion.terminer(
        etape["jeton_etape"],
        nouveau_mot_de_passe=MOT_DE_PASSE_ADMIN,
        cgu_acceptee=etape["cgu"]["version"],
    )
    assert fin["jeton"]


def test_cgu_are_accepted_only_by_naming_the_version_shown(app, initialise):
    identifiant, temporaire = initialise
    etape = app.connexion.commencer(identifiant, temporaire)
    with pytest.raises(CguNonAcceptees) as refus:
        app.connexion.terminer(
            etape["jeton_etape"], nouveau_mot_de_passe=MOT_DE_PASSE_ADMIN, cgu_acceptee="0.9"
        )
    # The hint names the option, for each front end to word: no command line in it.
    assert Option("accept_cgu") in refus.value.suggestion.arguments
    # The password was saved: the next login is with the new one, and goes on to the CGU.
    etape = app.connexion.commencer(identifiant, MOT_DE_PASSE_ADMIN)
    assert etape["etapes"] == [CGU]


def test_every_login_failure_is_the_same_error(app, initialise):
    identifiant, _ = initialise
    for saisie, mot_de_passe in ((identifiant, "faux-mot-de-passe"), ("ZZZZ9999", "x")):
        with pytest.raises(IdentifiantsInvalides) as e:
            app.connexion.commencer(saisie, mot_de_passe)
        assert e.value.message == IdentifiantsInvalides.message


# --- use cases: plain data, the domain's errors, mail delivered -----------------------------------
def test_without_a_token_every_use_case_says_not_logged_in(app, initialise):
    for appel in (
        lambda: app.moi.profil(None),
        lambda: app.gestionnaires.lister(None),
        lambda: app.unites.ajouter(None, "Paie"),
    ):
        with pytest.raises(NonConnecte):
            appel()


def test_a_change_returns_plain_data_and_its_mail_is_delivered_before_it_returns(
    app, jeton_operateur
):
    app.organismes.ajouter(
        jeton_operateur, siret="73282932000074", raison_sociale="Mairie", type_="employeur_public"
    )
    designation = app.organismes.designer_administrateur(
        jeton_operateur,
        "73282932000074",
        donnees={
            "nom": "Durand",
            "prenom": "Paul",
            "email": ADRESSE,
            "telephone_mobile": "0612345678",
        },
    )
    assert designation["cree"] is True and designation["ancien_administrateur"] is None
    assert designation["compte"]["email"] == ADRESSE
    assert serialisable(designation)
    # Delivered by the use case itself: the front end has nothing to remember.
    assert mot_de_passe_temporaire(ADRESSE)
    assert "mot_de_passe" not in json.dumps(designation, default=str).replace(
        "mot_de_passe_temporaire_expire_le", ""
    )
    messages = app.courrier.lister(jeton_operateur)
    assert [m["statut"] for m in messages] == ["envoye"]


def test_the_rules_of_who_may_do_what_come_out_as_the_domain_errors(app, jeton_operateur):
    app.organismes.ajouter(
        jeton_operateur, siret="73282932000074", raison_sociale="Mairie", type_="employeur_public"
    )
    identifiant = app.organismes.designer_administrateur(
        jeton_operateur,
        "73282932000074",
        donnees={
            "nom": "Durand",
            "prenom": "Paul",
            "email": ADRESSE,
            "telephone_mobile": "0612345678",
        },
    )["compte"]["identifiant"]
    etape = app.connexion.commencer(identifiant, mot_de_passe_temporaire(ADRESSE))
    jeton_ap = app.connexion.terminer(
        etape["jeton_etape"],
        nouveau_mot_de_passe="Une-Phrase-Solide-Ap-2026!",
        cgu_acceptee=etape["cgu"]["version"],
    )["jeton"]
    with pytest.raises(AccesRefuse):
        app.organismes.lister(jeton_ap)
    with pytest.raises(AccesRefuse):
        app.politique.definir(jeton_ap, "lockout_threshold", "10")
    assert app.unites.ajouter(jeton_ap, "Paie")["libelle"] == "Paie"


# --- the import's passes and temporary files belong to the application -----------------------------
def test_an_import_runs_both_passes_and_leaves_no_temporary_file(app, jeton_operateur, tmp_path):
    app.organismes.ajouter(
        jeton_operateur, siret="73282932000074", raison_sociale="Mairie", type_="employeur_public"
    )
    fichier = tmp_path / "agents.csv"
    fichier.write_text(
        "nom;prenom;email;telephone_mobile\n"
        "Durand;Paul;paul.durand@exemple.fr;0612345678\n"
        "Roux;Marc;pas-une-adresse;0612345679\n",
        encoding="utf-8",
    )
    suivi = _Suivi()
    simulation = app.importation.importer(
        jeton_operateur, str(fichier), organisme="73282932000074", simulation=True, suivi=suivi
    )
    with simulation:
        assert simulation.entete["resume"] == {
            "a_creer": 1, "a_mettre_a_jour": 0, "existants": 0, "rejetes": 1,
        }  # fmt: skip
    assert app.gestionnaires.lister(jeton_operateur, organisme="73282932000074") == []

    rapport = tmp_path / "rapport.json"
    with app.importation.importer(
        jeton_operateur,
        str(fichier),
        organisme="73282932000074",
        rapport=rapport,
        suivi=suivi,
    ) as resultat:
        lignes = list(resultat.lignes())
        spools = [resultat._analyse.valides]  # type: ignore[union-attr]
        assert all(p.exists() for p in spools)
    assert [ligne["resultat"] for ligne in lignes] == ["cree", "rejete"]
    assert resultat.rejetes == 1 and resultat.entete["resume"]["crees"] == 1
    assert not any(p.exists() for p in spools)
    assert json.loads(rapport.read_text(encoding="utf-8"))
    assert [libelle for libelle, _ in suivi.phases] == [
        "Vérification", "Vérification", "Import", "Envoi des e-mails",
    ]  # fmt: skip
    assert suivi.lectures and suivi.lectures[0]["ligne_entete"] == 1
    assert any(m["To"] == "paul.durand@exemple.fr" for m in courriels())


def test_a_refused_import_from_standard_input_leaves_no_temporary_file(
    app, jeton_operateur, monkeypatch, tmp_path
):
    import io
    import tempfile

    app.organismes.ajouter(
        jeton_operateur, siret="73282932000074", raison_sociale="Mairie", type_="employeur_public"
    )
    prive = tmp_path / "tmp"
    prive.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(prive))
    # A filled column nobody knows stops the import before anything is written.
    contenu = (
        "nom;prenom;email;telephone_mobile;Matricule\nDurand;Paul;p@exemple.fr;0612345678;42\n"
    )
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(contenu.encode("utf-8"))))
    with pytest.raises(DonneeInvalide, match="Matricule"):
        app.importation.importer(jeton_operateur, "-", organisme="73282932000074")
    assert list(prive.iterdir()) == []
    with pytest.raises(NonConnecte):
        app.importation.importer("jeton-qui-ne-vaut-rien", "-")
    assert list(prive.iterdir()) == []
    assert app.gestionnaires.lister(jeton_operateur, organisme="73282932000074") == []


class _Suivi:
    def __init__(self) -> None:
        self.phases: list[tuple[str, int | None]] = []
        self.lectures: list[dict] = []  # type: ignore[type-arg]

    def phase(self, libelle, total=None, unite="lignes"):  # type: ignore[no-untyped-def]
        import contextlib

        self.phases.append((libelle, total))
        return contextlib.nullcontext(lambda _n: None)

    def lecture(self, lecture):  # type: ignore[no-untyped-def]
        self.lectures.append(lecture)


def test_an_import_may_leave_its_mail_queued_for_a_later_delivery(app, jeton_operateur, tmp_path):
    app.organismes.ajouter(
        jeton_operateur, siret="73282932000074", raison_sociale="Mairie", type_="employeur_public"
    )
    fichier = tmp_path / "agents.csv"
    fichier.write_text(
        "nom;prenom;email;telephone_mobile\nDurand;Paul;paul.durand@exemple.fr;0612345678\n",
        encoding="utf-8",
    )
    with app.importation.importer(
        jeton_operateur, str(fichier), organisme="73282932000074", livrer=False
    ) as resultat:
        assert resultat.entete["resume"]["crees"] == 1
    assert not any(m["To"] == "paul.durand@exemple.fr" for m in courriels())
    assert [m["statut"] for m in app.courrier.lister(jeton_operateur)] == ["en_attente"]
    assert app.courrier.envoyer(jeton_operateur)["envoyes"] == 1
    assert any(m["To"] == "paul.durand@exemple.fr" for m in courriels())


# --- a server's application ------------------------------------------------------------------------
def test_a_servers_application_reads_the_policy_at_each_request_once(
    url_base, jeton_operateur, monkeypatch
):
    """Without the cache of a command, a policy change applies at the next request; within
    one request (``portee_requete``), the policy is read once for all its steps."""
    from cpfadmin.application.noyau import portee_requete
    from cpfadmin.services import politique

    lectures: list[int] = []
    lire = politique.lire

    def compter(uow):  # type: ignore[no-untyped-def]
        lectures.append(1)
        return lire(uow)

    monkeypatch.setattr(politique, "lire", compter)
    serveur = Application(url_base=url_base, politiques_en_cache=False)
    serveur.moi.profil(jeton_operateur)
    sans_portee = len(lectures)
    assert sans_portee >= 2  # authentication, then the use case: each reads it
    lectures.clear()
    for _ in range(3):
        portee = portee_requete.set({})
        try:
            serveur.moi.profil(jeton_operateur)
        finally:
            portee_requete.reset(portee)
    assert len(lectures) == 3  # once per request
    # a change made meanwhile is seen by the next request
    serveur.politique.definir(jeton_operateur, "session_idle_minutes", "30")
    assert serveur.moi.profil(jeton_operateur)["session_inactivite_minutes"] == 30
