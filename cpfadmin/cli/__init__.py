"""The command line: thin Typer sub-apps that parse, call a service and render. The only layer
that imports Typer and Rich, and the only place where errors become messages and exit codes."""

import os

# cpfadmin uses no Pydantic plugin: skip the scan of every installed package's entry points
# that Pydantic (under SQLModel and Typer) would otherwise make at each start (~15 ms).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
