"""7. Remote mode (SPEC §8): the CLI as the client of a real ``cpfadmin serve`` over HTTPS (a
private CA made by trustme), against the client's floor (a minimal Typer app sending the same
one request to the same server), against the same command in local mode, and the server's own
overhead (a request against the in-process call it wraps)."""

from __future__ import annotations

import json
import socket
import ssl
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.importation import fichier_csv
from bench.magasins import MOT_DE_PASSE, cpf, environnement, store_initialise
from bench.mesures import PYTHON, Mesure, alterner, chemin_programme, chrono, sortie_json

SIRET = "44306184100047"


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _requete(url: str, contexte: ssl.SSLContext, methode: str, chemin: str, corps=None, jeton=None):  # type: ignore[no-untyped-def]
    demande = urllib.request.Request(
        url + chemin,
        data=json.dumps(corps).encode() if corps is not None else None,
        method=methode,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {jeton}"} if jeton else {}),
        },
    )
    with urllib.request.urlopen(demande, context=contexte, timeout=60) as r:
        return json.loads(r.read() or b"null")


def _requetes_gardees(url: str, contexte: ssl.SSLContext, chemin: str, jeton: str, n: int) -> None:
    """``n`` GETs of ``chemin`` one after the other on one kept HTTPS connection."""
    import http.client
    from urllib.parse import urlsplit

    adresse = urlsplit(url)
    connexion = http.client.HTTPSConnection(adresse.hostname, adresse.port, context=contexte)
    try:
        for _ in range(n):
            connexion.request("GET", chemin, headers={"Authorization": f"Bearer {jeton}"})
            reponse = connexion.getresponse()
            reponse.read()
            if reponse.status != 200:
                raise SystemExit(f"GET {chemin} : {reponse.status}")
    finally:
        connexion.close()


def bench_distant(n: int, lignes_import: int, n_import: int) -> list[Mesure]:
    import trustme

    with tempfile.TemporaryDirectory() as d:
        racine = Path(d)
        env_srv, identifiant = store_initialise(racine / "serveur", cout=12)
        cpf(env_srv, "organismes", "add", "--siret", SIRET, "--raison-sociale", "Banc distant",
            "--type", "employeur_prive")  # fmt: skip
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1")
        fichier_cert, fichier_cle, fichier_ca = (
            racine / n for n in ("cert.pem", "cle.pem", "ca.pem")
        )
        cert.private_key_and_cert_chain_pem.write_to_path(str(fichier_cert))
        cert.private_key_pem.write_to_path(str(fichier_cle))
        ca.cert_pem.write_to_path(str(fichier_ca))
        contexte = ssl.create_default_context(cafile=str(fichier_ca))
        port = _port_libre()
        url = f"https://127.0.0.1:{port}"
        journal = racine / "serve.log"
        with journal.open("wb") as sortie:
            serveur = subprocess.Popen(
                [PYTHON, "-m", "cpfadmin", "serve", "--port", str(port),
                 "--certfile", str(fichier_cert), "--keyfile", str(fichier_cle)],
                env=dict(env_srv, CPFADMIN_SERVE_MAIL_RETRY="0"), stdout=sortie, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            _attendre(url, contexte, serveur, journal)
            etape = _requete(url, contexte, "POST", "/api/v1/connexion",
                             {"identifiant": identifiant, "mot_de_passe": MOT_DE_PASSE})  # fmt: skip
            jeton = _requete(url, contexte, "POST", "/api/v1/connexion/fin",
                             {"jeton_etape": etape["jeton_etape"]})["jeton"]  # fmt: skip
            maison_client = racine / "client"
            maison_client.mkdir()
            (maison_client / "config.toml").write_text(
                f'[profiles.default]\nserver = "{url}"\nca_bundle = "{fichier_ca}"\n'
            )
            env_cli = dict(environnement(maison_client), CPFADMIN_TOKEN=jeton)
            env_loc = dict(env_srv, CPFADMIN_TOKEN=jeton)
            env_plancher = dict(env_cli, BENCH_URL=url, BENCH_CA=str(fichier_ca), BENCH_JETON=jeton)
            plancher = [PYTHON, chemin_programme("typer_requete"), "requete"]
            mesures: list[Mesure] = []
            for nom, args, methode, chemin, corps in (
                ("me", ["-o", "json", "me"], "GET", "/api/v1/moi", None),
                ("gestionnaires list", ["-o", "json", "gestionnaires", "list"], "GET",
                 "/api/v1/gestionnaires", None),
                ("gestionnaires add", None, "POST", "/api/v1/gestionnaires",
                 {"organisme": SIRET, "nom": "Banc", "prenom": "Essai",
                  "email": "plancher{n}@banc.fr", "telephone_mobile": "0612345678"}),
            ):  # fmt: skip
                env_p = dict(env_plancher, BENCH_METHODE=methode, BENCH_CHEMIN=chemin)
                if corps is not None:
                    env_p["BENCH_CORPS"] = json.dumps(corps)

                def commande(prefixe: str, args=args):  # type: ignore[no-untyped-def]
                    if args is not None:
                        return [PYTHON, "-m", "cpfadmin", *args]
                    return [PYTHON, "-m", "cpfadmin", "-o", "json", "gestionnaires", "add",
                            "--organisme", SIRET, "--nom", "Banc", "--prenom", "Essai",
                            "--email", f"{prefixe}{time.time_ns()}@banc.fr",
                            "--telephone-mobile", "0612345678"]  # fmt: skip

                distant, floor = alterner(
                    lambda c=commande: chrono(c("distant"), env_cli),
                    lambda e=env_p: chrono(plancher, e),
                    n,
                )
                distant2, local = alterner(
                    lambda c=commande: chrono(c("distant"), env_cli),
                    lambda c=commande: chrono(c("local"), env_loc),
                    n,
                )
                mesures += [
                    Mesure(f"distant : `{nom}` contre le plancher du client", distant, floor, 1.3,
                           note="plancher : application Typer minimale qui envoie la même requête "
                           "HTTPS au même serveur et affiche le JSON reçu"),
                    Mesure(f"distant : `{nom}` contre la même commande en local", distant2, local, 0.4,
                           note="local : la même commande sur la base du serveur (SQLAlchemy, "
                           "SQLModel, le schéma)"),
                ]  # fmt: skip
            # login: the client adds only its round trip; bcrypt (cost 12) runs on the server
            import bcrypt

            hache = bcrypt.hashpw(b"x" * 44, bcrypt.gensalt(12)).decode()
            env_cli_sans = {k: v for k, v in env_cli.items() if k != "CPFADMIN_TOKEN"}
            login, floor_login = alterner(
                lambda: chrono([PYTHON, "-m", "cpfadmin", "login", identifiant, "--password-stdin"],
                               env_cli_sans, entree=f"{MOT_DE_PASSE}\n".encode()),
                lambda: chrono([PYTHON, chemin_programme("typer_login"), "login", identifiant,
                                "--password-stdin"], dict(env_cli, BENCH_EMPREINTE_BCRYPT=hache),
                               entree=f"{MOT_DE_PASSE}\n".encode()),
                n,
            )  # fmt: skip
            mesures.append(
                Mesure("distant : `login --password-stdin` (bcrypt coût 12 sur le serveur)", login,
                       floor_login, 1.2, note="plancher : application Typer minimale qui vérifie "
                       "une empreinte bcrypt au coût 12 (SPEC §7)")
            )  # fmt: skip
            # the server's own overhead: GET /api/v1/moi on one kept connection (a handshake is
            # TLS, not HTTP), the request as the access log times it against the use case it
            # wraps, timed in the same process and the same request (duree_application_ms)
            debut_journal = len(journal.read_text().splitlines())
            _requetes_gardees(url, contexte, "/api/v1/moi", jeton, max(30, n * 5))
            lignes = [
                json.loads(ligne)
                for ligne in journal.read_text().splitlines()[debut_journal:]
                if ligne.startswith("{") and '"/api/v1/moi"' in ligne
            ]
            a_part = sortie_json("moi_en_processus", jeton, str(max(20, n * 3)), env=env_srv)
            mesures.append(
                Mesure("serveur : requête `GET /api/v1/moi` contre l'appel qu'elle enveloppe",
                       statistics.median(x["duree_ms"] for x in lignes) / 1000,
                       statistics.median(x["duree_application_ms"] for x in lignes) / 1000, 2.0,
                       note="journal d'accès du serveur, connexion gardée : `duree_ms` (HTTP, "
                       "chiffrement TLS de la réponse, JSON, le cas d'usage) contre "
                       "`duree_application_ms` (`Application.moi.profil` dans la même requête) ; "
                       f"le même appel dans un processus à part : {a_part['duree'] * 1000:.1f} ms"),
            )  # fmt: skip
            # the server's peak memory (SPEC §7/§8: flat): after a small import and export,
            # then after the big imports and an export of everything they created
            petit = racine / "petit.csv"
            fichier_csv(petit, 1000)
            petit.write_text(petit.read_text().replace("@employeur.fr", "@petit.employeur.fr"))
            chrono([PYTHON, "-m", "cpfadmin", "gestionnaires", "import", str(petit),
                    "--organisme", SIRET, "--create-unites"], env_cli)  # fmt: skip
            _attendre_courrier(url, contexte, jeton)
            chrono([PYTHON, "-m", "cpfadmin", "gestionnaires", "export", "--organisme", SIRET,
                    "--fichier", str(racine / "petit-export.csv")], env_cli)  # fmt: skip
            pic_petit = _pic_memoire(serveur.pid)
            # a 10k-row import through the server against the same import in local mode
            distants, locaux = [], []
            for k in range(n_import):
                for ou, env_imp in (("d", env_cli), ("l", env_loc)):
                    fichier = racine / f"agents-{ou}{k}.csv"
                    fichier_csv(fichier, lignes_import)
                    texte = fichier.read_text().replace("@employeur.fr", f"@{ou}{k}.employeur.fr")
                    fichier.write_text(texte)
                    duree = chrono([PYTHON, "-m", "cpfadmin", "gestionnaires", "import", str(fichier),
                                    "--organisme", SIRET, "--create-unites"], env_imp)  # fmt: skip
                    (distants if ou == "d" else locaux).append(duree)
                    if ou == "d":
                        _attendre_courrier(url, contexte, jeton)
            chrono([PYTHON, "-m", "cpfadmin", "gestionnaires", "export", "--organisme", SIRET,
                    "--fichier", str(racine / "grand-export.csv")], env_cli)  # fmt: skip
            pic_grand = _pic_memoire(serveur.pid)
            exportes = len((racine / "grand-export.csv").read_text().splitlines()) - 1
            mesures.append(
                Mesure(f"serveur : mémoire de pointe, import et export de 1000 → {lignes_import} "
                       "lignes", pic_grand - pic_petit, pic_petit, 50.0, unite="Mo",
                       note=f"croissance du pic RSS du processus serve : {pic_petit:.0f} Mo → "
                       f"{pic_grand:.0f} Mo, après l'import de {lignes_import} lignes et l'export "
                       f"de {exportes} comptes (cible : < 50 Mo)"),
            )  # fmt: skip
            mesures.append(
                Mesure(f"distant : import de {lignes_import} lignes contre le même import en local",
                       statistics.median(distants), statistics.median(locaux), 1.3,
                       note="commandes entières, du lancement à la fin ; dans les deux cas les "
                       "e-mails des mots de passe temporaires sont remis avant la fin (transport "
                       "fichier), par la commande en local, par le serveur à distance"),
            )  # fmt: skip
            return mesures
        finally:
            serveur.terminate()
            serveur.wait(timeout=30)


def _attendre(url: str, contexte: ssl.SSLContext, serveur: subprocess.Popen, journal: Path) -> None:  # type: ignore[type-arg]
    fin = time.monotonic() + 60
    while time.monotonic() < fin:
        if serveur.poll() is not None:
            raise SystemExit(f"cpfadmin serve arrêté : {journal.read_text()[-800:]}")
        try:
            _requete(url, contexte, "GET", "/healthz")
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("cpfadmin serve ne répond pas")


def _pic_memoire(pid: int) -> float:
    """The peak resident memory of process ``pid`` so far (MB)."""
    for ligne in Path(f"/proc/{pid}/status").read_text().splitlines():
        if ligne.startswith("VmHWM:"):
            return int(ligne.split()[1]) / 1024
    raise SystemExit("VmHWM absent de /proc (Linux requis pour cette mesure)")


def _attendre_courrier(url: str, contexte: ssl.SSLContext, jeton: str) -> None:
    """Until the server has delivered what the import queued (so the next run does not compete
    with it)."""
    fin = time.monotonic() + 600
    while time.monotonic() < fin:
        if not _requete(
            url, contexte, "GET", "/api/v1/courrier?statut=en_attente&limite=1", jeton=jeton
        ):
            return
        time.sleep(0.5)
