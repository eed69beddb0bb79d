"""``cpfadmin serve`` (SPEC §8): the HTTP API over the local application, so that employers'
administrators work through a server that alone holds the store's credentials.

``cpfadmin.serveur.app`` builds the ASGI application (FastAPI); ``cpfadmin.serveur.lancement``
checks the exposure rules (TLS, loopback) and runs it on uvicorn. Importing this package is
light; FastAPI loads with ``app``.
"""
