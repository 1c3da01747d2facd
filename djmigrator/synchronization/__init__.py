"""The sync: decisions -> actions, after the comparison.

- ``sync``: the whole sync of one or more aliases (makemigrations, apply / fake /
  apply in part, repair), under ``locks`` and ``lockwait``;
- ``newmigrations``: the migrations makemigrations would write, held in memory;
- ``plan``: per unapplied migration, fake, apply, apply in part or refuse;
- ``repair`` and ``restore``: recreate what an applied migration should have made;
- ``remake``: SQLite table rebuilds that keep what Django does not know;
- ``progress``: how far a failed migration got where it could not be rolled back;
- ``schemasync``: one sync per PostgreSQL schema.
"""
