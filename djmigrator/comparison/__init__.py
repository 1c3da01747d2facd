"""The comparison: models -> expected schema -> live schema -> diff -> discrepancies.

Each step has its module:

- ``comparator``: one alias (or one PostgreSQL schema of it), end to end, in batches;
- ``expected``: the Django models as a ``sqlalchemy.MetaData``, as Django's schema
  editor creates them on this vendor;
- ``reflection``: the live schema, read in bulk by SQLAlchemy reflection;
- ``diff``: alembic's ``compare_metadata`` with the comparators of ``kinds``,
  mapped back to Django terms (app, model, field);
- ``kinds``: one module per kind of schema object, registered in ``kinds``;
- ``fleet`` and ``tenants``: many PostgreSQL schemas (``--schema``, django-tenants);
- ``parallel`` and ``gcpause``: how a large comparison stays fast.

Per-vendor rules are in ``djmigrator.vendors``; the sync is ``djmigrator.synchronization``.
"""
