"""The client's floor in remote mode (SPEC §8): the minimal Typer application of ``minimale``
whose one command sends one HTTPS request to the running server and prints the JSON it gets —
what any client must do, before anything cpfadmin adds.

Timed as a whole process; what to send comes in the environment: ``BENCH_URL`` (the server),
``BENCH_CA`` (its CA), ``BENCH_JETON``, ``BENCH_METHODE``, ``BENCH_CHEMIN`` and ``BENCH_CORPS``
(JSON, where ``{n}`` becomes a number unique to this run).
"""

import os

import typer

app = typer.Typer()
for nom in ("a", "b", "c", "d", "e"):
    app.add_typer(typer.Typer(), name=nom)


@app.command()
def requete() -> None:
    import http.client
    import json
    import ssl
    import time
    from urllib.parse import urlsplit

    u = urlsplit(os.environ["BENCH_URL"])
    contexte = ssl.create_default_context(cafile=os.environ["BENCH_CA"])
    connexion = http.client.HTTPSConnection(u.hostname, u.port, context=contexte, timeout=60)
    corps = os.environ.get("BENCH_CORPS")
    if corps:
        corps = corps.replace("{n}", str(time.time_ns()))
    connexion.request(
        os.environ.get("BENCH_METHODE", "GET"),
        os.environ["BENCH_CHEMIN"],
        body=corps.encode() if corps else None,
        headers={
            "Authorization": f"Bearer {os.environ['BENCH_JETON']}",
            "Content-Type": "application/json",
        },
    )
    reponse = connexion.getresponse()
    donnees = json.loads(reponse.read())
    if reponse.status >= 400:
        raise SystemExit(str(donnees))
    print(json.dumps(donnees, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    app()
