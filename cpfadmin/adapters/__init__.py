"""Adapters at the edges: the token store (OS keyring or a 0600 file), mail transports,
file formats."""
