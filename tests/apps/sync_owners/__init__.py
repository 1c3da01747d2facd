"""A model with a foreign key to ``settings.AUTH_USER_MODEL`` and no migration
yet: copied into the sync tests' throwaway projects (tests/synctools.py), whose
sync writes its 0001 (with a swappable dependency) and applies it.  Not in the
test settings' INSTALLED_APPS."""
