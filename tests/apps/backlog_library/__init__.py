"""Half of a real backlog for the sync's fault-injection test
(tests/test_sync_faults.py): migrations 0002-0003 unapplied (AddField, AddIndex,
RunPython, AlterField) and a model with a foreign key to the user model that
has no migration yet.  Copied into throwaway projects; not in the test
settings' INSTALLED_APPS."""
