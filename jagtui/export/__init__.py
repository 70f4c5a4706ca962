"""What leaves jagtui: minutes (full and redacted), the action log and plan progress.

Each export reads what it needs in one read session, renders the files in
memory, then writes them owner-only into the configured exports directory and
records one audit row per file in a single write transaction. Heavy libraries
(python-docx, openpyxl) are imported only inside the function that writes
their format.

- :mod:`jagtui.export.paths`: the exports directory, file names, private writes.
- :mod:`jagtui.export.minutes`: ``export_minutes`` (Markdown and Word).
- :mod:`jagtui.export.redact`: the redaction rules for wider circulation.
- :mod:`jagtui.export.action_log`: ``export_action_log`` (CSV and Excel).
- :mod:`jagtui.export.plan_progress`: ``export_plan`` (Excel and Markdown).
"""
