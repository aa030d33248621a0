"""Every write of electronic supervision, by what it does — this module only gathers them:

- :mod:`.sweep` — the sweep over the lifecycle kernel's deadline rows, the registered checks,
  the safety net, firing and red notices;
- :mod:`.case_checks` — the case's own anomaly rules and statistics rows, registered as a check;
- :mod:`.warning_actions` — a warning explained (情况说明) or closed out (销号);
- :mod:`.orders` — supervision orders (督办单), the kernel's second record type;
- :mod:`.efficiency` — efficiency warnings (效能告诫);
- :mod:`.settings_actions` — a center's supervision settings.
"""

from __future__ import annotations

from .case_checks import facts_backfill, verify_chains
from .efficiency import efficiency_warning_issue
from .orders import order_close, order_issue, order_reply, order_return
from .settings_actions import REFRESH_YELLOW_JOB, settings_reset, settings_save
from .sweep import CURSOR, MAX_EVENTS_PER_SWEEP, SETTLE, SweepResult, sweep
from .warning_actions import warning_acknowledge, warning_close_out

__all__ = [
    "CURSOR", "MAX_EVENTS_PER_SWEEP", "REFRESH_YELLOW_JOB", "SETTLE", "SweepResult", "efficiency_warning_issue",
    "facts_backfill", "order_close", "order_issue", "order_reply", "order_return", "settings_reset", "settings_save",
    "sweep", "verify_chains", "warning_acknowledge", "warning_close_out",
]
