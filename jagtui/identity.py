"""Who is using jagtui: the operating-system login running the process.

Never an environment variable: ``USER`` and ``LOGNAME`` are set by the caller
and would let anyone claim any name.
"""

from __future__ import annotations

import os
import pwd


def current_login() -> str:
    return pwd.getpwuid(os.getuid()).pw_name
