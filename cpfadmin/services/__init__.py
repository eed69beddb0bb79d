"""Use cases: one function per action, taking the unit of work and the acting account
explicitly and raising domain errors. Each change records its audit event in the same
transaction."""
