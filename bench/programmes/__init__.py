"""The programs the benchmarks run in a process of their own, one module each.

Run by ``bench.mesures`` as ``python -m bench.programmes.NOM ARGS…`` with the checkout first on
``PYTHONPATH``, so that they import ``bench`` and ``cpfadmin`` whatever the current directory —
except the two references timed as whole processes (``minimale``, ``typer_login``), run by
path like the application scripts they stand for.
"""
