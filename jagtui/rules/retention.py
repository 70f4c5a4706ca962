"""When a closed case is due for a retention review.

A case closed on ``closed`` has been kept its full period on ``closed`` plus
the configured number of years (a 29 February closure's anniversary in a
common year is 28 February). It is due for review from the day after: a case
closed six years ago today is not yet due; one closed six years and a day ago is.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

DAY = timedelta(days=1)


def period_ends(closed: date, years: int) -> date:
    """The last day of the retention period of a case closed on ``closed``."""
    return closed + relativedelta(years=years)


def is_due(closed: date | None, today: date, years: int) -> bool:
    return closed is not None and period_ends(closed, years) < today


def latest_due_closure(today: date, years: int) -> date:
    """The last closure date that is due on ``today``: due means ``closed <= this``.

    Lets the database select due cases with one comparison; ``period_ends`` is
    monotonic, so the due closures are exactly those up to this date.
    """
    last = today - relativedelta(years=years) - DAY
    # Subtracting years clamps 29 February, so the true boundary can be a day later.
    while is_due(last + DAY, today, years):
        last += DAY
    return last
