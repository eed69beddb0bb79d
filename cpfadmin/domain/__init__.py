"""The rules of cpfadmin: roles, permissions, credentials, validation. Standard library only
(plus the validation libraries, imported where they are used)."""
