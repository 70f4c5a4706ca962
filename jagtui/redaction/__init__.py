"""One redaction engine for every redacted document and masked screen.

:mod:`~jagtui.redaction.patterns` knows how identifiers are written,
:mod:`~jagtui.redaction.lexicon` indexes everyone and everywhere held, and
:mod:`~jagtui.redaction.engine` replaces them in free text. The database side
(loading every person and place, caching the index for the screens) is
:mod:`jagtui.store.identities`.
"""
