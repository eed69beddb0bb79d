"""``cpfadmin serve``: the HTTP API over this machine's store (SPEC §8)."""

from pathlib import Path
from typing import Annotated

import typer

from cpfadmin.cli.context import contexte


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Adresse d'écoute (boucle locale par défaut).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port d'écoute.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", help="Nombre de processus (PostgreSQL pour plus d'un).")
    ] = 1,
    certfile: Annotated[
        Path | None, typer.Option("--certfile", help="Certificat TLS (PEM).", show_default=False)
    ] = None,
    keyfile: Annotated[
        Path | None,
        typer.Option("--keyfile", help="Clé privée du certificat (PEM).", show_default=False),
    ] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="Adresses du mandataire inverse dont les en-têtes X-Forwarded-* font foi.",
            show_default=False,
        ),
    ] = None,
    insecure_http: Annotated[
        bool,
        typer.Option(
            "--insecure-http",
            help="Permettre le HTTP clair hors de la boucle locale (déconseillé).",
        ),
    ] = False,
    max_upload_mb: Annotated[
        int, typer.Option("--max-upload-mb", help="Taille maximale d'un fichier importé (Mo).")
    ] = 50,
    request_timeout: Annotated[
        float,
        typer.Option(
            "--request-timeout",
            min=1,
            help="Durée maximale d'une requête (secondes) : au-delà, réponse 503 et rien "
            "n'est enregistré.",
        ),
    ] = 30.0,
    import_timeout: Annotated[
        float,
        typer.Option(
            "--import-timeout",
            min=1,
            help="Durée maximale d'un import (secondes) : envoi du fichier, deux passes, e-mails.",
        ),
    ] = 3600.0,
) -> None:
    """Servir l'API HTTP de cpfadmin sur la base de ce poste : les administrateurs travaillent
    à travers ce serveur (profil « server = "https://…" »), sans détenir la base.

    Sans --certfile/--keyfile, le serveur n'écoute que sur la boucle locale (derrière un
    mandataire TLS), sauf --insecure-http.

    Exemple : cpfadmin serve --host 0.0.0.0 --port 8443 --certfile cert.pem --keyfile cle.pem
    """
    from cpfadmin.serveur.lancement import (
        Reglages,
        exiger_composants,
        servir,
        verifier_base,
        verifier_exposition,
    )

    ctx = contexte()
    exiger_composants()
    reglages = Reglages(
        hote=host,
        port=port,
        workers=workers,
        certfile=certfile,
        keyfile=keyfile,
        forwarded_allow_ips=forwarded_allow_ips,
        insecure_http=insecure_http,
        taille_max_mo=max_upload_mb,
        delai_requete=request_timeout,
        delai_import=import_timeout,
    )
    avertissement = verifier_exposition(reglages)
    if avertissement:
        ctx.avertir(avertissement)
    app = ctx.app_locale
    verifier_base(ctx.profil_nom, ctx.url_base)
    if workers > 1 and not app.base_affichee().startswith("postgresql"):
        ctx.avertir("plusieurs processus sur une base SQLite s'attendront : préférez PostgreSQL.")
    servir(reglages, profil_nom=ctx.profil_nom, url_base=ctx.url_base, annoncer=ctx.info)
