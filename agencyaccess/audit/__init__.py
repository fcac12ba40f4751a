"""The audit log: who did what to the agency's access, when and from where (docs/audit.md).

Write with `agencyaccess.audit.log.record`; read on the owners' /audit/ page.
"""
