"""From discrepancies to what a user reads: where each comes from (``explain``),
what to do about it (``hints``), what a team accepts (``baseline``), and the
text (``render``) and GitHub Actions (``render_github``) forms.  The records
themselves are ``djmigrator.report``."""
