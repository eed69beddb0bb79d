"""Issue 13, point 8: an audit its store's owner cannot rewrite unseen. The chain alone is
recomputed by anyone who may write to the store: cut its last events and move the head back,
or wipe it and reset the head, and ``audit verify`` still passes. A checkpoint — the head's
number and digest signed with a key the store does not hold, kept outside it — catches both:
``audit verify --checkpoint`` proves the chain still extends it, and refuses a checkpoint whose
key the operator does not trust. The tamperings below are SQL on the store, as its owner
would write them (on SQLite and on PostgreSQL) — and, with ``CPFADMIN_TEST_MODE=distant``, the
same tests through a real ``cpfadmin serve``: the server verifies the chain, the checkpoints are
read, authenticated and signed on the operator's machine."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import MODE, ajouter_configuration, json_de
from tests.support.console import erreur_en_une_ligne

SIRETS = ("55210055400013", "73282932000074")


def _sql(url: str, *instructions: str, **parametres: object) -> None:
    moteur = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with moteur.begin() as c:
            for instruction in instructions:
                c.execute(text(instruction), parametres)
    finally:
        moteur.dispose()


def _tete(url: str) -> tuple[int, str]:
    moteur = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with moteur.connect() as c:
            seq, condensat = c.execute(text("SELECT seq, condensat FROM tete_audit")).one()
            return seq, condensat
    finally:
        moteur.dispose()


def _couper_apres(url: str, seq: int) -> None:
    """Delete the events after ``seq`` and move the head back onto it: the owner's cut."""
    _sql(
        url,
        "DELETE FROM evenement_audit WHERE seq > :seq",
        "UPDATE tete_audit SET seq = :seq, condensat = "
        "(SELECT condensat FROM evenement_audit WHERE seq = :seq) WHERE id = 1",
        seq=seq,
    )


def _evenements(cpf, *sirets: str) -> None:  # type: ignore[no-untyped-def]
    """One more audit event per SIRET (an organisme created by the operator)."""
    for siret in sirets:
        r = cpf(
            "organismes", "add", "--siret", siret, "--raison-sociale", "Autre", "--type", "opco"
        )
        assert r.exit_code == 0, r.stderr


@pytest.fixture
def cpf(cli, operateur, tmp_path):  # type: ignore[no-untyped-def]
    """The CLI on the test's store, or through a server over it (the suite's one switch) —
    the server started once the operator's world is in place (building a world recreates
    the store, which would cut the server's connections to it)."""
    if MODE != "distant":
        yield cli
        return
    from tests.support.serveur import ClientDistant

    distant = ClientDistant(cli, tmp_path)
    try:
        yield distant
    finally:
        distant.arreter()


@pytest.fixture
def cle(cpf, tmp_path):  # type: ignore[no-untyped-def]
    """The operator's signing key, named by the profile (``audit_checkpoint_key``)."""
    fichier = tmp_path / "cles" / "cle-audit"
    fichier.parent.mkdir()
    r = cpf("audit", "keygen", str(fichier))
    assert r.exit_code == 0, r.stderr
    ajouter_configuration(f'[profiles.default]\naudit_checkpoint_key = "{fichier}"\n')
    return fichier


def _point(cpf, destination: Path, *options: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    r = cpf("-o", "json", "audit", "checkpoint", "--fichier", str(destination), *options)
    assert r.exit_code == 0, r.stderr
    assert json.loads(destination.read_text(encoding="utf-8")) == json_de(r)
    return json_de(r)  # type: ignore[return-value]


def _verifier(cpf, *points: Path, options: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    arguments = [a for p in points for a in ("--checkpoint", str(p))]
    return cpf("-o", "json", "audit", "verify", *arguments, *options)


# --- what plain verify misses, and the checkpoint catches --------------------------------------
def test_cutting_the_last_events_and_moving_the_head_back_fails_against_a_checkpoint(
    cpf, operateur, cle, url_base, tmp_path
):
    _evenements(cpf, *SIRETS)
    point = _point(cpf, tmp_path / "point.json")
    assert (point["seq"], point["condensat"]) == _tete(url_base)
    assert point["seq"] == 6

    _couper_apres(url_base, 4)

    simple = cpf("-o", "json", "audit", "verify")
    assert simple.exit_code == 0, simple.stderr  # what the chain alone cannot see
    assert json_de(simple) == {"valide": True, "evenements_verifies": 4}
    r = _verifier(cpf, tmp_path / "point.json")
    assert r.exit_code == 6, r.stderr
    message = json.loads(r.stderr)["erreur"]["message"]
    assert "n° 6" in message and "point de contrôle" in message and "retirés" in message
    assert r.stdout == ""


def test_wiping_every_event_and_resetting_the_head_fails_against_a_checkpoint(
    cpf, operateur, cle, url_base, tmp_path
):
    _point(cpf, tmp_path / "point.json")
    _sql(
        url_base,
        "DELETE FROM evenement_audit",
        "UPDATE tete_audit SET seq = 0, condensat = :zero WHERE id = 1",
        zero="0" * 64,
    )

    simple = cpf("-o", "json", "audit", "verify")
    assert simple.exit_code == 0, simple.stderr
    assert json_de(simple) == {"valide": True, "evenements_verifies": 0}
    r = cpf("audit", "verify", "--checkpoint", str(tmp_path / "point.json"))
    assert r.exit_code == 6
    ligne = erreur_en_une_ligne(r)
    assert "ne compte que 0 événement(s)" in ligne and "atteste 4" in ligne


def test_a_chain_rewritten_whole_after_the_checkpoint_fails_against_it(
    cpf, operateur, cle, url_base, tmp_path
):
    """The owner edits event 2 and recomputes every digest after it, and the head: the chain
    is coherent again, but event 4 no longer has the digest the checkpoint signed."""
    from sqlmodel import Session, select

    from cpfadmin.domain.audit import CONDENSAT_INITIAL, condensat_evenement
    from cpfadmin.store.engine import creer_moteur
    from cpfadmin.store.models import EvenementAudit, TeteAudit

    _point(cpf, tmp_path / "point.json")
    moteur = creer_moteur(url_base)
    with Session(moteur) as s:
        precedent = CONDENSAT_INITIAL
        for e in s.exec(select(EvenementAudit).order_by(EvenementAudit.seq)):  # type: ignore[arg-type]
            if e.seq == 2:
                e.cible = "ZZZZZZZZ"
            e.precedent = precedent
            e.condensat = condensat_evenement(
                seq=e.seq,
                horodatage=e.horodatage,
                action=e.action,
                acteur=e.acteur,
                organisme=e.organisme,
                cible=e.cible,
                details=e.details,
                precedent=e.precedent,
            )
            precedent = e.condensat
        s.exec(select(TeteAudit)).one().condensat = precedent
        s.commit()
    moteur.dispose()

    assert cpf("audit", "verify").exit_code == 0
    r = _verifier(cpf, tmp_path / "point.json")
    assert r.exit_code == 6
    message = json.loads(r.stderr)["erreur"]["message"]
    assert "n° 4" in message and "réécrite" in message


def test_an_untouched_chain_that_grew_after_its_checkpoints_extends_them(
    cpf, operateur, cle, tmp_path
):
    premier = _point(cpf, tmp_path / "premier.json")
    _evenements(cpf, SIRETS[0])
    second = _point(cpf, tmp_path / "second.json")
    _evenements(cpf, SIRETS[1])

    r = _verifier(cpf, tmp_path / "premier.json", tmp_path / "second.json")
    assert r.exit_code == 0, r.stderr
    resultat = json_de(r)
    assert resultat["valide"] is True and resultat["evenements_verifies"] == 6
    assert [p["seq"] for p in resultat["points_de_controle"]] == [4, 5]
    for p in resultat["points_de_controle"]:
        # Which key signed it, and why it is trusted, in the output.
        assert p["empreinte_cle"] == premier["empreinte_cle"] == second["empreinte_cle"]
        assert p["cle_de_confiance"] == "audit_checkpoint_key du profil default"
    table = cpf("audit", "verify", "--checkpoint", str(tmp_path / "premier.json"))
    assert table.exit_code == 0
    assert "Points de contrôle" in table.stdout and premier["empreinte_cle"] in table.stdout


def test_a_checkpoint_describes_the_head_the_store_and_the_key(cpf, operateur, cle, url_base):
    r = cpf("-o", "json", "audit", "checkpoint")
    assert r.exit_code == 0, r.stderr
    point = json_de(r)
    assert point["format"] == "cpfadmin-point-de-controle-audit" and point["version"] == 1
    assert (point["seq"], point["condensat"]) == _tete(url_base)
    assert point["pris_par"] == operateur and point["algorithme"] == "ed25519"
    if MODE == "distant":  # the store the operator reaches: the server
        assert point["base"] == f"serveur {cpf.serveur.url}"
    else:
        assert point["base"] == json_de(cpf("-o", "json", "db", "status"))["base"]
    assert point["empreinte_cle"].startswith("SHA256:")
    assert base64.b64decode(point["cle_publique"]) == _publique(cle.with_name("cle-audit.pub"))
    table = cpf("audit", "checkpoint")
    assert table.exit_code == 0
    assert "Empreinte de la clé" in table.stdout and point["condensat"] in table.stdout


def _publique(fichier: Path) -> bytes:
    from cryptography.hazmat.primitives import serialization

    cle = serialization.load_pem_public_key(fichier.read_bytes())
    return cle.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# --- whose key signed it ---------------------------------------------------------------------
def test_a_checkpoint_signed_with_another_key_is_refused_unless_that_key_is_trusted(
    cpf, operateur, cle, tmp_path
):
    autre = tmp_path / "faussaire"
    assert cpf("audit", "keygen", str(autre)).exit_code == 0
    point = _point(cpf, tmp_path / "point.json", "--cle", str(autre))

    r = _verifier(cpf, tmp_path / "point.json")
    assert r.exit_code == 6
    message = json.loads(r.stderr)["erreur"]["message"]
    assert point["empreinte_cle"] in message and "pas une clé de confiance" in message

    r = _verifier(cpf, tmp_path / "point.json", options=("--cle-publique", f"{autre}.pub"))
    assert r.exit_code == 0, r.stderr
    (prouve,) = json_de(r)["points_de_controle"]
    assert prouve["cle_de_confiance"] == f"--cle-publique {autre}.pub"
    # The option replaces the profile's key: the profile's own checkpoint is then refused.
    _point(cpf, tmp_path / "du-profil.json")
    r = _verifier(cpf, tmp_path / "du-profil.json", options=("--cle-publique", f"{autre}.pub"))
    assert r.exit_code == 6


def test_without_a_trusted_key_nothing_is_proven(cpf, operateur, tmp_path):
    cle = tmp_path / "cle"
    assert cpf("audit", "keygen", str(cle)).exit_code == 0
    point = _point(cpf, tmp_path / "point.json", "--cle", str(cle))
    r = cpf("audit", "verify", "--checkpoint", str(tmp_path / "point.json"))
    assert r.exit_code == 6
    ligne = erreur_en_une_ligne(r)
    assert point["empreinte_cle"] in ligne and "aucune clé de confiance" in ligne


def test_the_public_key_alone_beside_the_profiles_path_is_trusted(cpf, operateur, cle, tmp_path):
    """The auditor's machine holds FICHIER.pub only: the private key stays with the signer."""
    _point(cpf, tmp_path / "point.json")
    cle.unlink()
    r = _verifier(cpf, tmp_path / "point.json")
    assert r.exit_code == 0, r.stderr
    assert cpf("audit", "checkpoint").exit_code == 7  # nothing left to sign with


# --- a checkpoint edited or ill-formed -------------------------------------------------------
@pytest.mark.parametrize(
    ("champ", "valeur"),
    [("condensat", "f" * 64), ("seq", 3), ("pris_le", "2020-01-01T00:00:00+00:00")],
)
def test_an_edited_checkpoint_has_an_invalid_signature(
    cpf, operateur, cle, tmp_path, champ, valeur
):
    point = _point(cpf, tmp_path / "point.json")
    point[champ] = valeur
    (tmp_path / "point.json").write_text(json.dumps(point), encoding="utf-8")
    r = cpf("audit", "verify", "--checkpoint", str(tmp_path / "point.json"))
    assert r.exit_code == 7
    assert "signature ne correspond pas" in erreur_en_une_ligne(r)


def test_an_ill_formed_checkpoint_is_invalid_input_without_a_traceback(
    cpf, operateur, cle, tmp_path
):
    """Run as a real process, as a script would: exit 7, one French line, no traceback."""
    point = _point(cpf, tmp_path / "point.json")
    cas = {
        "tronque.json": (tmp_path / "point.json").read_text()[:40],
        "binaire.json": "\udcff",
        "liste.json": "[]",
        "version.json": json.dumps({**point, "version": 2}),
        "champ.json": json.dumps({**point, "ajoute": 1}),
        "cle.json": json.dumps({**point, "cle_publique": "pas-du-base64"}),
        "empreinte.json": json.dumps({**point, "empreinte_cle": "SHA256:autre"}),
        "seq.json": json.dumps({**point, "seq": "6"}),
    }
    for nom, contenu in cas.items():
        (tmp_path / nom).write_bytes(contenu.encode("utf-8", "surrogateescape"))
    for nom in [*cas, "absent.json"]:
        fini = subprocess.run(
            [sys.executable, "-m", "cpfadmin", "audit", "verify", "--checkpoint", nom],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=dict(os.environ),
            timeout=60,
            check=False,
        )
        assert fini.returncode == 7, (nom, fini.stderr)
        assert "Traceback" not in fini.stderr and fini.stdout == ""
        (ligne,) = fini.stderr.splitlines()
        assert ligne.startswith(f"Erreur : Point de contrôle {nom}"), ligne


# --- keys and files --------------------------------------------------------------------------
def test_keygen_writes_a_private_key_of_its_owner_and_never_overwrites_it(cpf, tmp_path):
    fichier = tmp_path / "cle"
    r = cpf("-o", "json", "audit", "keygen", str(fichier))
    assert r.exit_code == 0, r.stderr
    cree = json_de(r)
    assert stat.S_IMODE(fichier.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "cle.pub").stat().st_mode) == 0o644
    assert b"PRIVATE KEY" not in (tmp_path / "cle.pub").read_bytes()
    assert cree["fichier_public"] == f"{fichier}.pub"
    avant = fichier.read_bytes()

    r = cpf("audit", "keygen", str(fichier))
    assert r.exit_code == 6
    assert "existe déjà" in erreur_en_une_ligne(r)
    assert fichier.read_bytes() == avant
    # The public key's name is checked before anything is written.
    (tmp_path / "seule.pub").write_text("à moi")
    assert cpf("audit", "keygen", str(tmp_path / "seule")).exit_code == 6
    assert not (tmp_path / "seule").exists()

    r = cpf("-o", "json", "audit", "keygen", str(fichier), "--force")
    assert r.exit_code == 0, r.stderr
    assert json_de(r)["empreinte_cle"] != cree["empreinte_cle"]
    assert stat.S_IMODE(fichier.stat().st_mode) == 0o600


def test_keygen_never_follows_a_symbolic_link(cpf, tmp_path):
    cible = tmp_path / "ailleurs"
    cible.write_text("intact")
    lien = tmp_path / "cle"
    lien.symlink_to(cible)
    pendant = tmp_path / "pendant"
    pendant.symlink_to(tmp_path / "nulle-part")
    for chemin in (lien, pendant):
        for options in ((), ("--force",)):
            r = cpf("audit", "keygen", str(chemin), *options)
            assert r.exit_code == 6, r.stderr
            assert "lien symbolique" in erreur_en_une_ligne(r)
    assert cible.read_text() == "intact"
    assert not (tmp_path / "nulle-part").exists()


def test_a_private_key_others_may_read_is_refused(cpf, operateur, cle):
    cle.chmod(0o644)
    r = cpf("audit", "checkpoint")
    assert r.exit_code == 7
    assert "lisible par d'autres" in erreur_en_une_ligne(r)


def test_checkpoint_file_is_not_overwritten_without_force(cpf, operateur, cle, tmp_path):
    destination = tmp_path / "point.json"
    destination.write_text("déjà là")
    r = cpf("audit", "checkpoint", "--fichier", str(destination))
    assert r.exit_code == 6
    assert "existe déjà" in erreur_en_une_ligne(r)
    assert destination.read_text() == "déjà là"
    r = cpf("audit", "checkpoint", "--fichier", str(destination), "--force")
    assert r.exit_code == 0, r.stderr
    assert json.loads(destination.read_text())["seq"] == 4


def test_checkpoint_without_a_key_says_how_to_make_one(cpf, operateur):
    r = cpf("audit", "checkpoint")
    assert r.exit_code == 7
    assert "audit_checkpoint_key" in erreur_en_une_ligne(r)
    assert "audit keygen" in r.stderr


def test_only_operators_take_or_prove_checkpoints(employeur, tmp_path):
    cle = tmp_path / "cle"
    assert employeur.console("audit", "keygen", str(cle)).exit_code == 0
    r = employeur.console("audit", "checkpoint", "--cle", str(cle), jeton=employeur.jeton_ap)
    assert r.exit_code == 4, r.stderr
    point = tmp_path / "point.json"
    employeur.console.ok("audit", "checkpoint", "--cle", str(cle), "--fichier", str(point),
                         jeton=employeur.op)  # fmt: skip
    r = employeur.console(
        "audit", "verify", "--checkpoint", str(point), "--cle-publique", f"{cle}.pub",
        jeton=employeur.jeton_ap,
    )  # fmt: skip
    assert r.exit_code == 4


# --- through the installed CLI, as an operator's script runs it --------------------------------
def test_a_cut_chain_fails_against_its_checkpoint_through_real_processes(
    cpf, operateur, url_base, tmp_path
):
    from tests.conftest import MOT_DE_PASSE_ADMIN
    from tests.support.processus import connexion, cpfadmin, sans_trace

    connexion(operateur, MOT_DE_PASSE_ADMIN)  # the processes' own session (their keyring)
    cle_privee, point = tmp_path / "cle-audit", tmp_path / "point.json"
    assert cpfadmin("audit", "keygen", str(cle_privee)).code == 0
    assert stat.S_IMODE(cle_privee.stat().st_mode) == 0o600
    _evenements(cpf, *SIRETS)
    r = cpfadmin("-o", "json", "audit", "checkpoint", "--cle", str(cle_privee),
                 "--fichier", str(point))  # fmt: skip
    assert r.code == 0, r
    seq = r.json()["seq"]
    publique = ("--cle-publique", f"{cle_privee}.pub")
    assert cpfadmin("audit", "verify", "--checkpoint", str(point), *publique).code == 0

    _couper_apres(url_base, seq - 2)
    assert cpfadmin("audit", "verify").code == 0  # the chain alone sees nothing
    r = cpfadmin("audit", "verify", "--checkpoint", str(point), *publique)
    assert r.code == 6, r
    assert f"n° {seq}" in r.stderr
    sans_trace(r)
