"""Importing partner extracts (police STORM logs, Sentinel, council and housing logs).

The steps, each its own module and each testable alone:

- ``sandbox``: the file opened, and nothing else (a regular file, within the size cap
  and the allowed folders);
- ``read``: a CSV or .xlsx file into a table of text, whatever its encoding or damage;
- ``mapping``: the configured ``[imports.NAME]`` columns found in the headers, converted;
- ``validate``: every problem, by spreadsheet row and column, before anything is written;
- ``prepare``: those three together (no database);
- ``match``: the rules that say who and where a row is about;
- ``plan``: what importing would create, update or leave alone (reads the database);
- ``apply``: all of it written, audited, or nothing (on SQLite holding the write
  lock only for the final swap); every file opened audited;
- ``report``: what happened, as data and as text.

pandas is imported only inside these modules' functions, never at start-up.
"""
