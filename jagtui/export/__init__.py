"""What leaves jagtui: minutes (full and redacted), the action log and plan progress.

Each export reads what it needs in one read session, renders the files in
memory, then writes them owner-only into the configured exports directory and
records one audit row per file in a single write transaction. python-docx is
imported only to write a .docx; spreadsheets are written directly (no openpyxl).

- :mod:`jagtui.export.paths`: the exports directory, file names, private writes.
- :mod:`jagtui.export.minutes`: ``export_minutes`` (Markdown and Word).
- :mod:`jagtui.export.redact`: the redaction rules for wider circulation.
- :mod:`jagtui.export.action_log`: ``export_action_log`` (CSV and Excel).
- :mod:`jagtui.export.plan_progress`: ``export_plan`` (Excel and Markdown).
- :mod:`jagtui.export.cells`: spreadsheet text that never runs as a formula.
- :mod:`jagtui.export.xlsx`: the .xlsx writer, set up to print.
"""
