"""The access inventory: every grant an agency holds, per client or all together, with filters
and a CSV export (docs/dashboard.md, "Access inventory")."""
