"""The app's top-level screens: one key each, and an entry in the command palette.

Add a screen here and it gets its key, its palette command and its place in
help. ``target`` is ``module:Class`` so the module is imported only when first
opened, keeping start-up fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class NavEntry:
    key: str
    name: str
    title: str
    help: str
    target: str
    permission: str = "view"

    def factory(self):
        module, cls = self.target.split(":")
        return getattr(import_module(module), cls)()


NAV = (
    NavEntry("1", "cases", "Cases", "Open cases, highest risk first", "jagtui.screens.case_list:CaseListScreen"),
    NavEntry("2", "flags", "Flags", "Repeat victims, Community Triggers, repeat locations, overdue reviews", "jagtui.screens.flags:FlagsScreen"),
    NavEntry("3", "escalation", "Escalation", "Interventions per perpetrator: the ladder, breaches, next steps", "jagtui.screens.escalation:EscalationScreen"),
    NavEntry("4", "actions", "Actions", "Open actions across cases and meetings, overdue first", "jagtui.screens.actions:ActionsScreen"),
    NavEntry("5", "meeting", "Meeting", "Start or resume a meeting and run its agenda; final minutes, amendments, exports", "jagtui.screens.meeting:MeetingsScreen"),
    NavEntry("6", "plan", "Plan", "Partnership action plan: this quarter's progress and status per action", "jagtui.screens.plan:PlanScreen"),
    NavEntry("7", "import", "Import", "Import incidents and people from police, council and Sentinel extracts", "jagtui.screens.import_screen:ImportScreen", "import"),
    NavEntry("8", "retention", "Retention", "Closed cases past the retention period: retain, delete, purge", "jagtui.screens.retention:RetentionScreen", "admin"),
    NavEntry("9", "audit", "Audit", "The audit trail: who saw and changed what", "jagtui.screens.audit:AuditScreen", "admin"),
    NavEntry("w", "mywork", "My work", "Your and your agency's actions, referrals, case-review steps and cases before the meeting; updates and your agency's report", "jagtui.screens.my_work:MyWorkScreen"),
    NavEntry("0", "reviews", "Case reviews", "ASB case reviews (Community Trigger): applications, threshold decisions, reviews, overdue steps", "jagtui.screens.case_reviews:CaseReviewsScreen"),
)
