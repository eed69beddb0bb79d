"""What the server and its client refuse, to keep tokens and passwords off the network in
clear (SPEC §8), and TLS with a private CA (trustme)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ajouter_configuration
from tests.support.console import _jeton_courant
from tests.support.serveur import demarrer


def test_serve_refuses_plain_http_off_loopback(cli, initialise):
    r = cli("serve", "--host", "0.0.0.0", "--port", "0")
    assert r.exit_code == 7
    assert "HTTP clair" in r.stderr and "--certfile" in r.stderr and "--insecure-http" in r.stderr
    r = cli("serve", "--certfile", "/nulle/part.pem")
    assert r.exit_code == 7 and "--keyfile" in r.stderr


def test_client_refuses_plain_http_to_another_machine(cli, monkeypatch):
    monkeypatch.delenv("CPFADMIN_DATABASE_URL", raising=False)
    r = cli("--server", "http://192.0.2.10:8000", "me")
    assert r.exit_code == 7
    assert "HTTP clair" in r.stderr and "https://" in r.stderr
    r = cli("--server", "ftp://exemple", "me")
    assert r.exit_code == 7
    # a server and a store at once: one or the other
    r = cli("--server", "https://cpf.example", "--db", "sqlite:///x.db", "me")
    assert r.exit_code == 7 and "s'excluent" in r.stderr


def test_unreachable_server_is_exit_8(cli, monkeypatch):
    monkeypatch.delenv("CPFADMIN_DATABASE_URL", raising=False)
    from tests.support.serveur import port_libre

    r = cli("--server", f"http://127.0.0.1:{port_libre()}", "me", env={"CPFADMIN_TOKEN": "x"})
    assert r.exit_code == 8
    assert "injoignable" in r.stderr


def test_tls_with_a_private_ca_verified_when_given_refused_when_not(
    initialise, cli, tmp_path, monkeypatch
):
    trustme = pytest.importorskip("trustme")
    import ssl

    ca = trustme.CA()
    certificat = ca.issue_cert("127.0.0.1", "localhost")
    cert, cle, ca_pem = tmp_path / "cert.pem", tmp_path / "cle.pem", tmp_path / "ca.pem"
    certificat.private_key_and_cert_chain_pem.write_to_path(str(cert))
    certificat.private_key_pem.write_to_path(str(cle))
    ca.cert_pem.write_to_path(str(ca_pem))
    contexte = ssl.create_default_context(cafile=str(ca_pem))
    serveur = demarrer(
        tmp_path, "--certfile", str(cert), "--keyfile", str(cle), contexte_ssl=contexte
    )
    try:
        assert serveur.url.startswith("https://")
        _, entetes, _ = serveur.requete("GET", "/healthz")
        assert "strict-transport-security" in entetes
        identifiant, temporaire = initialise
        monkeypatch.delenv("CPFADMIN_DATABASE_URL", raising=False)
        # no CA given: the certificate is refused, exit 8, nothing sent
        r = cli(
            "--server", serveur.url, "login", identifiant, "--password-stdin", "--accept-cgu",
            input=f"{temporaire}\nNouveau-Mot-De-Passe-2026!\n",
        )  # fmt: skip
        assert r.exit_code == 8, r.stderr
        assert "Certificat" in r.stderr and "ca_bundle" in r.stderr
        # the profile names the CA: verified, logged in
        ajouter_configuration(
            f'[profiles.default]\nserver = "{serveur.url}"\nca_bundle = "{ca_pem}"\n'
        )
        r = cli(
            "login", identifiant, "--password-stdin", "--accept-cgu",
            input=f"{temporaire}\nNouveau-Mot-De-Passe-2026!\n",
        )  # fmt: skip
        assert r.exit_code == 0, r.stderr
        assert _jeton_courant()
        moi = json.loads(cli("-o", "json", "me").stdout)
        assert moi["serveur"] == serveur.url
    finally:
        serveur.arreter()


SCRIPT_DISTANT = textwrap.dedent(
    """
    import json, sys
    from cpfadmin.cli.main import app
    code = app(sys.argv[1:], standalone_mode=False)
    lourds = sorted(
        m for m in ("sqlalchemy", "sqlmodel", "alembic", "psycopg", "bcrypt")
        if m in sys.modules
    )
    sys.stderr.write("\\nLOURDS=" + json.dumps(lourds) + "\\n")
    """
)


def test_remote_mode_never_imports_the_store(serveur, initialise, cli, monkeypatch):
    identifiant, temporaire = initialise
    monkeypatch.delenv("CPFADMIN_DATABASE_URL", raising=False)
    r = cli(
        "--server", serveur.url, "login", identifiant, "--password-stdin", "--accept-cgu",
        input=f"{temporaire}\nNouveau-Mot-De-Passe-2026!\n",
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    jeton = _jeton_courant()
    env = {**__import__("os").environ, "CPFADMIN_TOKEN": jeton}
    for commande in (["me"], ["gestionnaires", "list"], ["audit", "list"]):
        p = subprocess.run(
            [
                sys.executable,
                "-c",
                SCRIPT_DISTANT,
                "--server",
                serveur.url,
                "-o",
                "json",
                *commande,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        ligne = [x for x in p.stderr.splitlines() if x.startswith("LOURDS=")]
        assert ligne, p.stderr
        assert json.loads(ligne[0][len("LOURDS=") :]) == [], (commande, p.stderr)
        assert p.stdout.strip(), p.stderr
