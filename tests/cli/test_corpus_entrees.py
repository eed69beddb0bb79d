"""The corpus of malformed input of SPEC §7, across every command and the import formats (the
cases are in ``tests/support/corpus.py``): each gives its documented exit code, one French
line on stderr starting with "Erreur :" (a JSON error with ``-o json``), no traceback, nothing
on stdout unless a report is expected — and writes nothing to the store.

Speed: the world the cases act upon (the operator logged in, an employer with its principal
admin, gestionnaires, a suspended account, a unité) is built once per module, on the store of
the run (SQLite, or a PostgreSQL database of its own), and each case acts on it as its one
logged-in account through ``CPFADMIN_TOKEN``. Sharing it is safe because every case checks
that the store's row counts did not move: a case that wrongly wrote fails itself.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import pytest

from tests.conftest import (
    BACKEND,
    _creer_base_postgres,
    _supprimer_base_postgres,
    isoler_maison,
    lanceur,
)
from tests.support import gabarits
from tests.support.console import (
    MOT_DE_PASSE_ADMIN,
    MOT_DE_PASSE_GESTIONNAIRE,
    SIRET_AUTRE,
    SIRET_EMPLOYEUR,
    Console,
    commande_construite_une_fois,
    empreinte,
)
from tests.support.corpus import (
    ADRESSE_AP,
    ADRESSE_G,
    ADRESSE_G2,
    ADRESSE_S,
    CORPUS,
    FICHIERS,
    USAGE,
    Cas,
)
from tests.support.keyrings import MemoryKeyring

# Click's own English, which must never reach a French user.
ANGLAIS = (
    "No such",
    "Missing",
    "Invalid value",
    "does not take",
    "requires an argument",
    "Got unexpected",
    "is not one of",
    "Did you mean",
    "Usage:",
    "Error:",
)
# The help of the command that failed: « Voir « cpfadmin organismes show --help ». »
AIDE_USAGE = re.compile(r"Voir « cpfadmin( [a-z-]+)* --help »\.")
LONGUEUR_MAX_MESSAGE = 1000


def _lanceur():  # type: ignore[no-untyped-def]
    return lanceur()


def _jeton_du_coffre() -> str:
    from cpfadmin.cli.context import contexte

    stocke = contexte().coffre().lire()
    assert stocke is not None
    return stocke.jeton


@dataclass(frozen=True)
class Monde:
    url: str
    jetons: dict[str, str]  # op, ap, g
    identifiants: dict[str, str]  # OP, AP, G, G2, S


def _construire(console: Console) -> Monde:
    identifiant_op = console.initialiser(MOT_DE_PASSE_ADMIN)
    op = _jeton_du_coffre()
    console.creer_organisme(op, SIRET_EMPLOYEUR, "Transports Lumière SAS")
    console.creer_organisme(op, SIRET_AUTRE, "Lumière Services")
    ap = console.designer(op, SIRET_EMPLOYEUR, "Bernard", "Chloé", ADRESSE_AP)
    jeton_ap = console.premiere_connexion(ap, ADRESSE_AP, MOT_DE_PASSE_ADMIN)
    console.ok("unites", "add", "Paie", jeton=jeton_ap)
    g = console.ajouter(jeton_ap, "Durand", "Paul", ADRESSE_G, "--unite", "Paie")
    g2 = console.ajouter(jeton_ap, "Roux", "Jules", ADRESSE_G2)
    s = console.ajouter(jeton_ap, "Petit", "Inès", ADRESSE_S)
    console.ok("gestionnaires", "suspend", s, jeton=jeton_ap)
    jeton_g = console.premiere_connexion(g, ADRESSE_G, MOT_DE_PASSE_GESTIONNAIRE)
    return Monde(
        console.url,
        {"op": op, "ap": jeton_ap, "g": jeton_g},
        {"OP": identifiant_op, "AP": ap, "G": g, "G2": g2, "S": s},
    )


@pytest.fixture(scope="module")
def monde(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Monde]:
    """The world of the corpus, built once through the CLI in a home of its own (the same
    isolation as the suite's ``isolation`` fixture), then left to the tests."""
    racine = tmp_path_factory.mktemp("monde-corpus")
    base_postgres = None
    precedent = keyring.get_keyring()
    with pytest.MonkeyPatch.context() as mp:
        isoler_maison(racine / "home", mp)
        cpf = racine / "cpfadmin"
        cpf.mkdir()
        (cpf / "config.toml").write_text("", encoding="utf-8")
        mp.setenv("CPFADMIN_HOME", str(cpf))
        for variable in ("CPFADMIN_TOKEN", "CPFADMIN_PROFILE", "CPFADMIN_DEBUG"):
            mp.delenv(variable, raising=False)
        mp.setenv("NO_COLOR", "1")
        if BACKEND == "postgresql":
            base_postgres, url = _creer_base_postgres(preparee=True)
            mp.setenv("CPFADMIN_DATABASE_URL", url)
        else:
            mp.delenv("CPFADMIN_DATABASE_URL", raising=False)
            url = f"sqlite:///{cpf / 'data' / 'cpfadmin.db'}"
            gabarits.preparer(url)
        keyring.set_keyring(MemoryKeyring())
        commande_construite_une_fois(mp)
        try:
            construit = _construire(Console(_lanceur(), url))
        finally:
            keyring.set_keyring(precedent)
    try:
        yield construit
    finally:
        if base_postgres:
            _supprimer_base_postgres(base_postgres)


@pytest.fixture
def console(monde: Monde, monkeypatch: pytest.MonkeyPatch) -> Console:
    """The CLI on the world's store, from the test's own (empty) home."""
    commande_construite_une_fois(monkeypatch)
    monkeypatch.setenv("CPFADMIN_DATABASE_URL", monde.url)
    return Console(_lanceur(), monde.url)


PLACEHOLDER = re.compile(r"\{(OP|AP|ap|G|G2|S|dossier|f:[^}]+)\}")


def _resoudre(valeur: str, monde: Monde, dossier: Path) -> str:
    def remplacer(m: re.Match[str]) -> str:
        cle = m.group(1)
        if cle == "dossier":
            return str(dossier)
        if cle == "ap":
            return monde.identifiants["AP"].lower()
        if cle.startswith("f:"):
            nom = cle[2:]
            chemin = dossier / nom
            if not chemin.exists():
                chemin.write_bytes(FICHIERS[nom]())
            return str(chemin)
        return monde.identifiants[cle]

    return PLACEHOLDER.sub(remplacer, valeur)


def _jeton(cas: Cas, monde: Monde) -> str | None:
    if cas.acteur.startswith("jeton:"):
        return cas.acteur.removeprefix("jeton:")
    return monde.jetons[cas.acteur] if cas.acteur else None


def _caracteres_douteux(texte: str) -> list[str]:
    """Control and format characters (terminal escapes, NUL, bidi overrides…) but the line
    feed."""
    return [
        f"U+{ord(c):04X}"
        for c in texte
        if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")
    ]


def _message(cas: Cas, r: Any, sortie_json: bool) -> str:
    """Check one refusal's rendering and return its message."""
    contexte = f"{cas.id} (-o json)" if sortie_json else cas.id
    recit = f"{contexte} → {r.exit_code}\n--- stdout ---\n{r.stdout[:2000]}\n--- stderr ---\n{r.stderr[:2000]}"
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, recit
    assert r.exit_code == cas.code, recit
    lignes = [ligne for ligne in r.stderr.splitlines() if ligne.strip()]
    if sortie_json:
        assert len(lignes) == 1, recit
        erreur = json.loads(lignes[0])["erreur"]
        assert erreur["code"] == cas.code, recit
        message = erreur["message"]
        if cas.donnees:
            json.loads(r.stdout)  # the whole report, as JSON
        else:
            assert r.stdout == "", recit
    else:
        erreurs = [ligne for ligne in lignes if ligne.startswith("Erreur : ")]
        assert len(erreurs) == 1, recit
        autres = [ligne for ligne in lignes if ligne not in erreurs]
        if cas.code == USAGE:
            assert len(autres) <= 1 and all(AIDE_USAGE.fullmatch(a) for a in autres), recit
        elif cas.donnees:  # the import's summary, then its error
            assert lignes[-1] == erreurs[0], recit
            assert all("Erreur" not in ligne for ligne in autres), recit
        else:
            assert autres == [], recit
        if not cas.donnees:
            assert r.stdout == "", recit
        message = erreurs[0]
        assert not _caracteres_douteux(r.stderr), (_caracteres_douteux(r.stderr), recit)
        assert len(message) <= LONGUEUR_MAX_MESSAGE, (len(message), recit)
    assert not [a for a in ANGLAIS if a in message], recit
    if cas.attendu:
        assert cas.attendu in message, recit
    return message


def _succes(cas: Cas, r: Any, sortie_json: bool) -> None:
    """A case that is no error (a filter that matches nothing, a file with no row)."""
    recit = f"{cas.id} → {r.exit_code}\n--- stdout ---\n{r.stdout[:2000]}\n--- stderr ---\n{r.stderr[:2000]}"
    assert r.exit_code == 0, recit
    assert "Traceback" not in r.stderr and "Erreur" not in r.stderr, recit
    if sortie_json and cas.sortie is not None:
        assert json.loads(r.stdout) == cas.sortie, recit


@pytest.mark.parametrize("cas", CORPUS, ids=str)
def test_une_entree_malformee_est_refusee_clairement_sans_rien_ecrire(
    cas: Cas, monde: Monde, console: Console, tmp_path: Path
) -> None:
    args = [_resoudre(a, monde, tmp_path) for a in cas.args]
    jeton = _jeton(cas, monde)
    avant = empreinte(monde.url)

    rendus = [False, True] if cas.json else [False]
    for sortie_json in rendus:
        r = console(*(["-o", "json"] if sortie_json else []), *args, jeton=jeton, input=cas.entree)
        if cas.code == 0:
            _succes(cas, r, sortie_json)
        else:
            _message(cas, r, sortie_json)

    attendu = {t: n + cas.ecrit.get(t, 0) * len(rendus) for t, n in avant.items()}
    assert empreinte(monde.url) == attendu, cas.id


def test_le_corpus_couvre_chaque_commande_et_chaque_code() -> None:
    """At least 200 refusals, over every command of SPEC §5 and every exit code a refusal of
    input may give."""
    refus = [c for c in CORPUS if c.code]
    assert len(refus) >= 200, len(refus)
    assert {c.code for c in refus} >= {2, 3, 4, 5, 6, 7}
    mots = {a for c in refus for a in c.args}
    for commande in (
        "init", "login", "me", "password", "organismes", "gestionnaires", "unites", "cgu",
        "audit", "outbox", "db", "add", "list", "show", "update", "designate-admin", "import",
        "export", "suspend", "reactivate", "remove", "rename", "renew", "publish", "verify",
    ):  # fmt: skip
        assert commande in mots, commande
