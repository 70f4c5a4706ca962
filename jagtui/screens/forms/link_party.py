"""Link an existing (or new) person or place to a case, in a role."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Checkbox, Select

from jagtui.screens.forms.base import FormScreen, field
from jagtui.screens.forms.fields import PickField
from jagtui.store.casefile import CaseFile
from jagtui.store.casework import link_to_case
from jagtui.store.models import PARTY_ROLES

LOCATION_ROLE = "location of concern"


class LinkPartyForm(FormScreen[bool]):
    form_title = "Link a person or place to the case"

    def __init__(self, file: CaseFile) -> None:
        super().__init__()
        self.file = file
        self.draft_key = f"party:new:case:{file.case.id}"

    def fields(self) -> ComposeResult:
        yield field("Person or place", PickField(kinds=("person", "location"), id="subject",
                                                 title="Link a person or place", clearable=False),
                    "Enter to search; ctrl+n there creates a new one")
        yield field("Role", Select([(role, role) for role in PARTY_ROLES], id="role",
                                   allow_blank=False, value=PARTY_ROLES[0]))
        yield field("Primary subject", Checkbox("The case is about this person or place",
                                                False, id="primary"),
                    "Replaces the current primary subject")

    def on_mount(self) -> None:
        super().on_mount()
        # Straight into the search: linking someone is why the form was opened.
        self.query_one("#subject", PickField).action_pick()

    def value_changed(self, widget) -> None:
        # A place takes the location role, a person a person's role.
        if widget.id == "subject" and widget.picked is not None:
            role = self.query_one("#role", Select)
            if widget.picked.kind == "location":
                role.value = LOCATION_ROLE
            elif role.value == LOCATION_ROLE:
                role.value = "victim" if self.file.case.case_type != "perpetrator" else "household member"

    def problems(self) -> dict[str, str]:
        wrong = {}
        subject = self.query_one("#subject", PickField).picked
        role = self.query_one("#role", Select).value
        if subject is None:
            wrong["subject"] = "Choose a person or a place (Enter to search)"
        elif subject.kind == "location" and role != LOCATION_ROLE:
            wrong["role"] = f"A place is linked as '{LOCATION_ROLE}'"
        elif subject.kind == "person" and role == LOCATION_ROLE:
            wrong["role"] = "Choose a person's role (victim, perpetrator, witness…)"
        return wrong

    def saver(self):
        case_id, subject = self.file.case.id, self.query_one("#subject", PickField).picked
        role = str(self.query_one("#role", Select).value)
        primary = self.query_one("#primary", Checkbox).value

        def write(session) -> bool:
            link_to_case(session, case_id, subject, role, primary=primary)
            return True

        return write

    def saved_message(self, result: bool) -> str:
        return "Linked to the case"
