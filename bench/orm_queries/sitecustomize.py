"""Loaded by the "orm" server of bench/api.py (this directory first on its PYTHONPATH): our app
with every lib/sql.PreparedQuery answered by the ORM, running its queryset afresh on each call
as the code did before the layer, so the benchmark measures what the layer gains."""

from agencyaccess.lib import sql


def _rows(self, **values):
    return list(self.build(**values))


def _objects(self, **values):
    return list(self.build(**values))


sql.PreparedQuery.rows = _rows
sql.PreparedQuery.objects = _objects
