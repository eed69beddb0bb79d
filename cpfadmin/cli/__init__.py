"""The command line: thin Typer sub-apps that parse, call a service and render. The only layer
that imports Typer and Rich, and the only place where errors become messages and exit codes."""
