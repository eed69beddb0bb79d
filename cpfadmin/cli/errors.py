"""Exit codes (SPEC §5): the domain's one table (``cpfadmin.domain.codes``), as the command line
uses it."""

from cpfadmin.domain.codes import TABLE, CodeSortie, code_pour

__all__ = ["TABLE", "CodeSortie", "code_pour"]
