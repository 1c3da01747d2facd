"""The other half of the backlog for the sync's fault-injection test
(tests/test_sync_faults.py): migration 0002 unapplied (AddField with a default,
RunPython) and a model with a foreign key to a model of its own that has no
migration yet.  Copied into throwaway projects; not in the test
settings' INSTALLED_APPS."""
