"""The minutes' "REFERRALS MADE AT THIS MEETING": one row per referral out made under
a case item (``store.minutes.MinutesData.referrals``).

The reason is sensitive: like every free text in the minutes it goes through the
view's ``text`` (the redaction engine in the redacted version), and the person
referred is shown as the redacted minutes show every person on a case (role and
reference letter), never by name. Who made it is a user of jagtui, named as the
users table names them (staff stay named, as attendees and action owners do).
"""

from __future__ import annotations

from jagtui.export.document import Heading, Table
from jagtui.rules.dates import fmt_date

REFERRAL_COLUMNS = ("Case", "Person", "Referred to", "Reason", "Made by", "Status")
# Centimetres: together the 17.0 cm between A4's 2 cm margins.
REFERRAL_WIDTHS = (2.6, 2.6, 3.2, 4.8, 2.4, 1.4)


def referral_blocks(view) -> list:
    """The section, or nothing when no referral was made at the meeting. ``view`` is the
    minutes' view (``text(value, case_id)``, ``redactor``, ``cfg``, ``data``)."""
    made = view.data.referrals
    if not made:
        return []
    rows = []
    for row in made:
        if view.redactor is not None:
            person = (view.redactor.pseudonym(row.person_id, row.case_id)
                      if row.person_id is not None else "(person)")
        else:
            person = row.person or "(person erased)"
        by = row.made_by  # a display name: staff, kept whole (a first name alone is not)
        if row.made_by_agency:
            by += f"\n{view.cfg.agency_name(row.made_by_agency)}"
        status = row.status.capitalize()
        if row.follow_up_on and row.status == "made":
            status += f"\nfollow up {fmt_date(row.follow_up_on)}"
        rows.append((row.case_reference, person, row.service_name,
                     view.text(row.reason, row.case_id), by, status))
    return [Heading("REFERRALS MADE AT THIS MEETING"),
            Table(REFERRAL_COLUMNS, tuple(rows), REFERRAL_WIDTHS)]


def referral_texts(data) -> list[str]:
    """The free text the referral rows pass through the redactor."""
    return [row.reason for row in data.referrals]
