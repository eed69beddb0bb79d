"""Security checks of SPEC §3, §4 and §7, through the CLI as an administrator or a script runs
it: session tokens and temporary passwords are kept only as digests; no secret reaches the
audit, the outbox once delivered, a ``--debug`` trace or any file of cpfadmin's home (but the
0600 token file of the keyring fallback and the delivered 0600 e-mail); a login failure never
tells whether the identifiant exists, nor whether the account is locked; an edited, deleted,
reordered or forged audit event is found by ``cpfadmin audit verify`` on both stores; and
``password renew`` never shows the password it generates."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import MetaData, String, Text, select
from sqlalchemy.types import JSON

from tests.conftest import MOT_DE_PASSE_ADMIN, MOT_DE_PASSE_GESTIONNAIRE, lanceur
from tests.support import base, gabarits
from tests.support.console import (
    SIRET_EMPLOYEUR,
    Console,
    corps,
    courriels,
    dossier_courrier,
    mot_de_passe_temporaire,
    tous_les_temporaires,
)
from tests.support.keyrings import MemoryKeyring

ADRESSE_AP = "chloe.bernard@lumiere.example"
ADRESSE_G = "paul.durand@lumiere.example"
ADRESSE_J = "jules.roux@lumiere.example"  # never logs in: his temporary password stays valid
ADRESSE_K = "ines.petit@lumiere.example"  # gets locked
ADRESSE_S = "marc.roux@lumiere.example"  # suspended
MAUVAIS = "Pas-Le-Bon-Mot-De-Passe-2026!"


@dataclass
class Scene:
    """An employer with its principal admin and gestionnaires, every e-mail delivered."""

    console: Console
    url: str
    operateur: str
    op: str  # session tokens …
    ap: str
    jeton_ap: str
    g: str
    jeton_g: str
    j: str
    k: str
    s: str
    temporaire_init: str

    @property
    def jetons(self) -> list[str]:
        return [self.op, self.jeton_ap, self.jeton_g]


@pytest.fixture
def scene(console, initialise, operateur, url_base) -> Scene:  # type: ignore[no-untyped-def]
    c = console

    def construire() -> tuple[str, ...]:
        op = c.connecter(operateur, MOT_DE_PASSE_ADMIN)
        c.creer_organisme(op, SIRET_EMPLOYEUR, "Transports Lumière SAS")
        ap = c.designer(op, SIRET_EMPLOYEUR, "Bernard", "Chloé", ADRESSE_AP)
        jeton_ap = c.premiere_connexion(ap, ADRESSE_AP, MOT_DE_PASSE_ADMIN)
        g = c.ajouter(jeton_ap, "Durand", "Paul", ADRESSE_G)
        jeton_g = c.premiere_connexion(g, ADRESSE_G, MOT_DE_PASSE_GESTIONNAIRE)
        j = c.ajouter(jeton_ap, "Roux", "Jules", ADRESSE_J)
        # a second temporary password, also mailed
        c.ok("password", "renew", j, "--yes", jeton=jeton_ap)
        k = c.ajouter(jeton_ap, "Petit", "Inès", ADRESSE_K)
        c.premiere_connexion(k, ADRESSE_K, MOT_DE_PASSE_GESTIONNAIRE)
        s = c.ajouter(jeton_ap, "Roux", "Marc", ADRESSE_S)
        c.premiere_connexion(s, ADRESSE_S, MOT_DE_PASSE_GESTIONNAIRE)
        c.ok("gestionnaires", "suspend", s, jeton=jeton_ap)
        return op, ap, jeton_ap, g, jeton_g, j, k, s

    op, ap, jeton_ap, g, jeton_g, j, k, s = gabarits.monde("securite.scene", construire)
    return Scene(c, url_base, operateur, op, ap, jeton_ap, g, jeton_g, j, k, s, initialise[1])


def formes(secret: str) -> set[str]:
    """The spellings under which a secret could be kept: as given, without the token prefix,
    without the temporary password's dashes, in either case."""
    nu = secret.removeprefix("cpf_")
    compact = secret.replace("-", "")
    return {secret, nu, compact, compact.upper(), compact.lower()}


def secrets_de(scene: Scene) -> dict[str, str]:
    """Every secret the scene handed out: by a description for the assertion messages."""
    temporaires = tous_les_temporaires()
    assert len(temporaires) == 6, temporaires  # AP, G, J, J renewed, K, S
    trouves = {f"temporaire n° {i}": t for i, t in enumerate(temporaires, 1)}
    trouves["temporaire de l'init"] = scene.temporaire_init
    trouves |= {f"jeton n° {i}": j for i, j in enumerate(scene.jetons, 1)}
    trouves["mot de passe administrateur"] = MOT_DE_PASSE_ADMIN
    trouves["mot de passe gestionnaire"] = MOT_DE_PASSE_GESTIONNAIRE
    return trouves


def cellules_textuelles(url: str) -> Iterator[tuple[str, Any]]:
    """(``table.colonne``, value) for every text or JSON column of every table of the store."""
    with base.connexion(url) as c:
        meta = MetaData()
        meta.reflect(c)
        for table in meta.sorted_tables:
            colonnes = [col for col in table.columns if isinstance(col.type, (String, Text, JSON))]
            if not colonnes:
                continue
            for ligne in c.execute(select(*colonnes)):
                for col, valeur in zip(colonnes, ligne, strict=True):
                    if valeur is not None:
                        texte = valeur if isinstance(valeur, str) else json.dumps(valeur)
                        yield f"{table.name}.{col.name}", texte


def sans_secret(texte: str, secrets: dict[str, str], ou: str) -> None:
    for nom, secret in secrets.items():
        for forme in formes(secret):
            assert forme not in texte, f"{nom} ({forme!r}) dans {ou}"


# --- 1. the store keeps digests only ------------------------------------------------------------
def test_tokens_and_temporary_passwords_are_stored_only_as_digests(scene: Scene) -> None:
    secrets = secrets_de(scene)
    for ou, texte in cellules_textuelles(scene.url):
        sans_secret(texte, secrets, ou)

    # The digests are there: the SHA-256 of each token, a salted HMAC of the temporary
    # password that still opens Jules's account.
    condensats = {c for (c,) in base.lignes(scene.url, "SELECT jeton_condensat FROM session")}
    for jeton in scene.jetons:
        assert hashlib.sha256(jeton.encode()).hexdigest() in condensats
    from cpfadmin.domain.authentifiants import verifier_temporaire

    ((condensat,),) = base.lignes(
        scene.url, "SELECT temporaire_condensat FROM compte WHERE identifiant = :i", i=scene.j
    )
    temporaire_j = mot_de_passe_temporaire(ADRESSE_J)
    assert condensat and verifier_temporaire(temporaire_j, condensat)

    # message.secret, the documented exception, is purged once the message is delivered.
    messages = base.lignes(scene.url, "SELECT statut, secret FROM message ORDER BY id")
    assert len(messages) == 6
    assert all(statut in ("envoye", "remplace") for statut, _ in messages), messages
    assert [secret for _, secret in messages] == [None] * 6


def test_no_secret_in_the_audit_or_the_outbox_as_the_cli_shows_them(scene: Scene) -> None:
    secrets = secrets_de(scene)
    for sortie in ("table", "json", "csv"):
        for commande in (("audit", "list"), ("outbox", "list"), ("audit", "verify")):
            r = scene.console.ok("-o", sortie, *commande, jeton=scene.op)
            sans_secret(r.stdout + r.stderr, secrets, f"{' '.join(commande)} -o {sortie}")
    r = scene.console.ok("-o", "json", "outbox", "list", jeton=scene.jeton_ap)
    sans_secret(r.stdout + r.stderr, secrets, "outbox list de l'administrateur")


# --- 2. --debug shows no secret ----------------------------------------------------------------
@pytest.fixture
def panne(monkeypatch):  # type: ignore[no-untyped-def]
    """A service that fails in an unexpected way (exit 1, a traceback under --debug)."""
    from cpfadmin.services import gestionnaires

    def casse(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("panne interne")

    monkeypatch.setattr(gestionnaires, "lister", casse)


@pytest.mark.local_seulement("la panne est injectée dans le processus de la commande")
def test_the_debug_trace_of_a_failing_command_shows_no_secret(scene: Scene, panne) -> None:  # type: ignore[no-untyped-def]
    c = scene.console
    temporaire_j = mot_de_passe_temporaire(ADRESSE_J)
    faible_g = f"{scene.g}-Paul-2026!"  # each holds the account's identifiant: refused
    faible_j = f"{scene.j}-Jules-2026!"
    essais = [
        # an unexpected failure, with the session token in the environment
        (("--debug", "gestionnaires", "list"), scene.jeton_ap, None, 1),
        (("--debug", "-o", "json", "gestionnaires", "list"), scene.jeton_ap, None, 1),
        # a wrong current password, then a refused new one
        (("--debug", "password", "change", "--password-stdin"), scene.jeton_g,
         f"{MAUVAIS}\nNouveau-Mot-De-Passe-2026!\n", 3),
        (("--debug", "password", "change", "--password-stdin"), scene.jeton_g,
         f"{MOT_DE_PASSE_GESTIONNAIRE}\n{faible_g}\n", 7),
        # a wrong password at login, and a temporary password with a refused new one
        (("--debug", "login", scene.g, "--password-stdin"), None, f"{MAUVAIS}\n", 3),
        (("--debug", "login", scene.j, "--password-stdin", "--accept-cgu"), None,
         f"{temporaire_j}\n{faible_j}\n", 7),
        # a token that no longer opens anything
        (("--debug", "me"), scene.jeton_g + "x", None, 3),
    ]  # fmt: skip
    secrets = secrets_de(scene) | {
        "mauvais mot de passe": MAUVAIS,
        "refusé": faible_g,
        "refusé aussi": faible_j,
    }
    for args, jeton, entree, code in essais:
        r = c(*args, jeton=jeton, input=entree)
        assert r.exit_code == code, (args, r.exit_code, r.stderr)
        if code == 1:
            assert "Traceback" in r.stderr  # --debug did show the trace …
        sans_secret(r.stdout + r.stderr, secrets, " ".join(args))  # … and no secret


# --- 3. the files of cpfadmin's home -----------------------------------------------------------
def mode(chemin: Path) -> int:
    return stat.S_IMODE(chemin.stat().st_mode)


def test_no_secret_in_any_file_of_the_home_but_the_0600_token_file_and_the_delivered_mail(
    scene: Scene, isolation: Path
) -> None:
    # One login without a usable keyring: its token goes to the fallback file.
    keyring.set_keyring(fail.Keyring())
    try:
        jeton_fichier = scene.console.connecter(scene.k, MOT_DE_PASSE_GESTIONNAIRE)
    finally:
        keyring.set_keyring(MemoryKeyring())
    secrets = secrets_de(scene) | {"jeton du fichier": jeton_fichier}
    fichier_jeton = isolation / "data" / "jetons" / f"default-{scene.k}.token"
    assert fichier_jeton.read_text().strip() == jeton_fichier
    assert mode(fichier_jeton) == 0o600

    courrier = dossier_courrier()
    mails = set(courrier.glob("*.eml"))
    assert len(mails) == 6
    temporaires = set(tous_les_temporaires())
    vus = 0
    for f in sorted(Path(os.environ["CPFADMIN_HOME"]).rglob("*")):
        if not f.is_file():
            continue
        octets = f.read_bytes()
        if f == fichier_jeton:
            permis = {jeton_fichier}
        elif f in mails:
            assert mode(f) == 0o600, f
            # its own temporary password, and no other secret
            propre = {t for t in temporaires if t.encode() in octets}
            assert len(propre) == 1, f
            permis = propre
        else:
            permis = set()
        for nom, secret in secrets.items():
            if secret in permis:
                continue
            for forme in formes(secret):
                assert forme.encode() not in octets, f"{nom} ({forme!r}) dans {f}"
        vus += 1
    assert vus >= len(mails) + 2  # the mails, the token file, the configuration at least


# --- 4. no account enumeration -----------------------------------------------------------------
def lock(console: Console, identifiant: str) -> None:
    for _ in range(5):
        r = console("login", identifiant, "--password-stdin", input=f"{MAUVAIS}\n")
        assert r.exit_code == 3, r.stderr


def test_unknown_identifiant_wrong_password_and_locked_account_give_the_same_answer(
    scene: Scene,
) -> None:
    c = scene.console
    lock(c, scene.k)
    tentatives = {
        "identifiant inconnu": ("ZZZZZZZZ", MAUVAIS),
        "identifiant mal formé": ("x'--", MAUVAIS),
        "mauvais mot de passe": (scene.g, MAUVAIS),
        "mauvais mot de passe, identifiant en minuscules": (scene.g.lower(), MAUVAIS),
        "temporaire jamais utilisé, mauvais mot de passe": (scene.j, MAUVAIS),
        "compte suspendu, mauvais mot de passe": (scene.s, MAUVAIS),
        "compte verrouillé, bon mot de passe": (scene.k, MOT_DE_PASSE_GESTIONNAIRE),
        "compte verrouillé, mauvais mot de passe": (scene.k, MAUVAIS),
    }
    for sortie in ([], ["-o", "json"]):
        reponses = {}
        for nom, (identifiant, mot_de_passe) in tentatives.items():
            r = c(*sortie, "login", identifiant, "--password-stdin", input=f"{mot_de_passe}\n")
            reponses[nom] = (r.exit_code, r.stdout, r.stderr)
        attendue = reponses["mauvais mot de passe"]
        assert attendue[0] == 3 and attendue[1] == ""
        assert "Identifiant ou mot de passe incorrect" in attendue[2]
        differentes = {nom: rep for nom, rep in reponses.items() if rep != attendue}
        assert not differentes, (attendue, differentes)

    # The lock held all along: the right password is refused, and the store says why.
    verrou = base.lignes(
        scene.url, "SELECT verrouille_jusqua FROM compte WHERE identifiant = :i", i=scene.k
    )
    assert verrou[0][0] is not None


# --- 5. password renew shows no secret ---------------------------------------------------------
AVIS = {"SI CPF – Votre compte a été verrouillé", "SI CPF – Modification de votre adresse e-mail"}


def test_the_hardening_paths_leave_no_secret_in_the_store_the_mail_or_their_output(
    scene: Scene, tmp_path: Path
) -> None:
    """Issue 13, point 12: a lock and its notice, an unlock, a policy change, an e-mail change
    with the current password on stdin, a checkpoint — no secret in what they write or say."""
    c = scene.console
    sorties = []
    lock(c, scene.k)
    sorties.append(c.ok("-o", "json", "gestionnaires", "unlock", scene.k, jeton=scene.jeton_ap))
    sorties.append(c.ok("politique", "set", "lockout_threshold", "6", jeton=scene.op))
    sorties.append(c.ok("politique", "show", jeton=scene.jeton_g))
    r = c.ok("me", "update", "--email", "paul.durand@autre.example", "--password-stdin",
             jeton=scene.jeton_g, input=f"{MOT_DE_PASSE_GESTIONNAIRE}\n")  # fmt: skip
    sorties.append(r)
    r = c("me", "update", "--email", "paul.d@ailleurs.example", "--password-stdin",
          jeton=scene.jeton_g, input=f"{MAUVAIS}\n")  # fmt: skip
    assert r.exit_code == 3
    sorties.append(r)
    cle = tmp_path / "cle-audit"
    sorties.append(c.ok("audit", "keygen", str(cle)))
    sorties.append(c.ok("-o", "json", "audit", "checkpoint", "--cle", str(cle), jeton=scene.op))
    sorties.append(c.ok("outbox", "send", jeton=scene.op))
    secrets = secrets_de(scene) | {"mauvais mot de passe": MAUVAIS}
    for r in sorties:
        sans_secret(r.stdout + r.stderr, secrets, "une sortie")
    for ou, texte in cellules_textuelles(scene.url):
        sans_secret(texte, secrets, ou)
    avis = [m for m in courriels() if m["Subject"] in AVIS]
    assert {m["Subject"] for m in avis} == AVIS
    for m in avis:
        sans_secret(corps(m), secrets, f"le courriel « {m['Subject']} »")


def test_password_renew_output_holds_no_secret(scene: Scene) -> None:
    c = scene.console
    avant = set(tous_les_temporaires())
    sorties = []
    for sortie in ("table", "json", "csv"):
        r = c.ok("-o", sortie, "password", "renew", scene.g, "--yes", jeton=scene.jeton_ap)
        sorties.append(r.stdout + r.stderr)
    nouveaux = set(tous_les_temporaires()) - avant
    assert len(nouveaux) == 3  # one per renewal, each by e-mail
    secrets = {f"temporaire {t}": t for t in nouveaux | avant}
    secrets |= {"jeton": scene.jeton_ap, "mot de passe": MOT_DE_PASSE_ADMIN}
    for texte in sorties:
        sans_secret(texte, secrets, "password renew")
    # What it does show: where the password went, never the password.
    vue = json.loads(
        c.ok("-o", "json", "password", "renew", scene.g, "--yes", jeton=scene.jeton_ap).stdout
    )
    assert vue["email"] == ADRESSE_G
    assert not {k for k in vue if "mot_de_passe" in k or "secret" in k or k == "temporaire"}
    dernier = mot_de_passe_temporaire(ADRESSE_G)
    assert dernier not in json.dumps(vue)
    assert len(courriels()) == 6 + 4


# --- 6. a tampered audit chain, on both stores ---------------------------------------------------
def _lanceur():  # type: ignore[no-untyped-def]
    return lanceur()


@pytest.fixture(params=["sqlite", "postgresql"])
def magasin(request, isolation: Path, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    """Both stores in every run: the embedded SQLite file, and a PostgreSQL database (skipped
    on a machine without a server, required in CI)."""
    if request.param == "postgresql":
        url = request.getfixturevalue("base_postgres")
    else:
        url = f"sqlite:///{isolation / 'data' / 'cpfadmin.db'}"
    monkeypatch.setenv("CPFADMIN_DATABASE_URL", url)
    return url


DERNIER = "(SELECT MAX(seq) FROM evenement_audit)"
ALTERATIONS = {
    # the event verify names (None: the last one), what it says, the SQL that tampers
    "details-modifies": (6, "modifié", [
        "UPDATE evenement_audit SET details = :d WHERE seq = 6"]),
    "date-modifiee": (3, "modifié", [
        "UPDATE evenement_audit SET horodatage = horodatage - INTERVAL '1 day' WHERE seq = 3"]),
    "acteur-modifie": (4, "modifié", [
        "UPDATE evenement_audit SET acteur = 'ZZZZZZZZ' WHERE seq = 4"]),
    # the first event after the gap: "événement(s) manquant(s) avant le n° 5"
    "supprime-au-milieu": (5, "manquant", ["DELETE FROM evenement_audit WHERE seq = 4"]),
    "supprime-a-la-fin": (None, "tronquée", [
        f"DELETE FROM evenement_audit WHERE seq = {DERNIER}"]),
    "deux-echanges": (3, "lien", [
        "UPDATE evenement_audit SET seq = -1 WHERE seq = 3",
        "UPDATE evenement_audit SET seq = 3 WHERE seq = 4",
        "UPDATE evenement_audit SET seq = 4 WHERE seq = -1"]),
    # n° 5 rewritten with a digest recomputed to match: n° 6's link to it breaks
    "forge-avec-son-condensat": (6, "lien", []),
}  # fmt: skip


@pytest.mark.parametrize("alteration", list(ALTERATIONS))
def test_audit_verify_finds_a_tampered_event_and_names_it(magasin: str, alteration: str) -> None:
    cli = Console(_lanceur(), magasin)
    cli.initialiser(MOT_DE_PASSE_ADMIN)
    cli.ok("organismes", "add", "--siret", SIRET_EMPLOYEUR, "--raison-sociale", "Lumière SAS",
           "--type", "employeur_prive")  # fmt: skip
    cli.ok("unites", "add", "Paie", "--organisme", SIRET_EMPLOYEUR)
    cli.ok("unites", "rename", "Paie", "Paye", "--organisme", SIRET_EMPLOYEUR)
    assert json.loads(cli.ok("-o", "json", "audit", "verify").stdout)["valide"] is True
    total = base.lignes(magasin, "SELECT MAX(seq) FROM evenement_audit")[0][0]
    assert total >= 7

    seq, raison, requetes = ALTERATIONS[alteration]
    if alteration == "forge-avec-son-condensat":
        _forger(magasin, 5)
    for sql in requetes:
        if magasin.startswith("sqlite") and "INTERVAL" in sql:
            sql = sql.replace("horodatage - INTERVAL '1 day'", "datetime(horodatage, '-1 day')")
        base.executer(magasin, sql, **({"d": json.dumps({"type": "opco"})} if ":d" in sql else {}))
    attendu = total if seq is None else seq

    r = cli("audit", "verify")
    assert r.exit_code == 6, (r.exit_code, r.stdout, r.stderr)
    assert r.stdout == "" and "Traceback" not in r.stderr
    (ligne,) = [ligne for ligne in r.stderr.splitlines() if ligne.strip()]
    assert ligne.startswith("Erreur : Chaîne d'audit rompue à l'événement n° ")
    assert f"n° {attendu} " in ligne and raison in ligne, ligne
    r = cli("-o", "json", "audit", "verify")
    assert r.exit_code == 6 and r.stdout == ""
    erreur = json.loads(r.stderr)["erreur"]
    assert erreur["code"] == 6 and f"n° {attendu} " in erreur["message"]


def _forger(url: str, seq: int) -> None:
    """Rewrite event ``seq`` as an attacker who knows the algorithm would: other content, and
    a digest recomputed to match it. Its own digest checks out; the next event's link to it
    does not."""
    from sqlmodel import Session, select

    from cpfadmin.domain.audit import condensat_evenement
    from cpfadmin.store.engine import creer_moteur
    from cpfadmin.store.models import EvenementAudit

    moteur = creer_moteur(url)
    try:
        with Session(moteur) as session:
            e = session.exec(select(EvenementAudit).where(EvenementAudit.seq == seq)).one()
            e.action, e.acteur, e.cible = "unite_creee", None, None
            e.details = {"libelle": "Forgée"}
            e.condensat = condensat_evenement(
                seq=e.seq, horodatage=e.horodatage, action=e.action, acteur=e.acteur,
                organisme=e.organisme, cible=e.cible, details=e.details, precedent=e.precedent,
            )  # fmt: skip
            session.add(e)
            session.commit()
    finally:
        moteur.dispose()
