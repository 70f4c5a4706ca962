"""A demo database: two years of a Joint Action Group's work, all of it invented.

``build_demo`` fills an empty database with cases, people, locations, incidents,
risk assessments, interventions, meetings, actions and the partnership action
plan, so the app can be tried (and screenshots taken) without real data.

**Nothing here is real.** Every person's name, address, postcode, phone number,
date of birth and story is invented: names come from short lists
(made-up surnames), streets are invented names placed in the configured
localities, postcodes use the inward codes ``nZZ``/``nZY``/``nZX`` (no such
codes are allocated to addresses), phone numbers are in Ofcom's drama range
(07700 900xxx), incident references are generated, and the officers are
fictional. Only the partnership's configuration (beats, localities, agencies,
priorities) and the wording of the CSP plan come from public documents.

The people, places and stories are data (``people.toml``, ``places.toml``,
``stories.toml``, ``plan.toml`` beside this file, read by :mod:`.data`); the stages
that place them are :mod:`.cases`, :mod:`.incidents`, :mod:`.casework`,
:mod:`.meetings` and :mod:`.plan`, sharing one :class:`.world.World`.

The data is deterministic for a ``seed`` and a ``today``: the same pair always
builds the same database. It is written in one transaction with the per-row
audit hook switched off, then a single audit entry records that the demo was
built.
"""

from jagtui.demo.build import DemoSummary, build_demo, ensure_empty

__all__ = ["DemoSummary", "build_demo", "ensure_empty"]
