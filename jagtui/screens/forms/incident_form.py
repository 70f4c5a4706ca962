"""Add or edit an incident: category, date, source, reference, place, hate, people."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select

from jagtui.screens.forms.base import FormScreen, field
from jagtui.screens.forms.fields import InvolvedList, PickField
from jagtui.screens.forms.party_picker import picked_label
from jagtui.screens.widgets import DateField
from jagtui.store.casefile import CaseFile
from jagtui.store.casework import (
    INCIDENT_ROLE, IncidentDraft, Picked, incident_for_edit, picked, save_incident,
)
from jagtui.store.errors import Conflict, StoreError
from jagtui.store.models import INCIDENT_ROLES, INCIDENT_SOURCES


def _subject_defaults(file: CaseFile) -> tuple[Picked | None, list[tuple[Picked, str]]]:
    """A new incident starts at the case's place and with its subject involved."""
    subject = file.subject
    if subject is None:
        return None, []
    if not subject.is_person:
        return Picked("location", subject.location_id, subject.name, subject.address,
                      subject.locality, subject.beat), []
    role = INCIDENT_ROLE.get(file.case.case_type, "victim")
    person = Picked("person", subject.person_id, subject.name, subject.address, "", subject.beat,
                    subject.date_of_birth)
    return None, [(person, role)]


class IncidentForm(FormScreen[bool]):
    CLASH_FIELDS = {"location_id": "location"}
    CLASH_HIDDEN = frozenset({"beat"})  # follows the place
    CLASH_RECORD = "read"  # the incident as the form read it

    def __init__(self, file: CaseFile, incident_id: int | None = None) -> None:
        super().__init__()
        self.file = file
        self.incident_id = incident_id
        self.version: int | None = None
        self.read = None  # the incident as read (an edit)
        self.places: dict[int, Picked] = {}  # place id -> the place, for a clash's values
        self.form_title = (f"Edit incident · {file.case.reference}" if incident_id
                           else f"New incident · {file.case.reference}")
        self.draft_key = (f"incident:{incident_id}" if incident_id
                          else f"incident:new:case:{file.case.id}")
        # An edit fills its fields from a worker; the draft is restored after that.
        self.draft_manual = incident_id is not None

    def fields(self) -> ComposeResult:
        cfg, today = self.app.cfg, self.app.today()
        place, people = (None, []) if self.incident_id else _subject_defaults(self.file)
        yield field("Category", Select([(c.name, c.key) for c in cfg.categories], id="category",
                                       prompt="Choose a category (type to search)"))
        yield field("Date", DateField(today, today=today, id="occurred_on",
                                      placeholder="2026-11-20, 20/11/2026, -2d or today"))
        yield field("Source", Select([(s, s) for s in INCIDENT_SOURCES], id="source",
                                     allow_blank=False, value=INCIDENT_SOURCES[0]))
        yield field("Reference", Input(id="source_ref", placeholder="STORM, Sentinel or council ref"))
        yield field("Location", PickField(place, kinds=("location",), title="Where it happened",
                                          id="location"),
                    "Enter to choose, Delete to clear")
        yield field("Hate", Checkbox("Hate motivated (race, religion, disability, sexuality, "
                                     "gender identity)", False, id="hate"))
        yield field("Description", Input(id="description", placeholder="What happened"))
        yield field("People involved",
                    InvolvedList(people, INCIDENT_ROLES, id="people"),
                    "a add · r change role · d remove (when the list is focused)")

    def on_mount(self) -> None:
        super().on_mount()
        if self.incident_id:
            self.query_one("#form-body").loading = True
            self.fetch()
        else:
            self.query_one("#category", Select).focus()

    @work(thread=True, exclusive=True, group="incident-form")
    def fetch(self) -> None:
        app = self.app
        try:
            with app.store.read() as session:
                draft = incident_for_edit(session, self.incident_id)
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error", markup=False)
            app.call_from_thread(self.dismiss, None)
            return
        app.call_from_thread(self.fill, draft)

    def fill(self, draft: IncidentDraft) -> None:
        incident = draft.incident
        self.read, self.version = incident, incident.version
        self.query_one("#category", Select).value = incident.category
        self.query_one("#occurred_on", DateField).value = incident.occurred_on.isoformat()
        self.query_one("#source", Select).value = incident.source
        self.query_one("#source_ref", Input).value = incident.source_ref
        self.query_one("#location", PickField).picked = draft.location
        self.query_one("#location", PickField).refresh()
        self.query_one("#hate", Checkbox).value = incident.hate
        self.query_one("#description", Input).value = incident.description
        involved = self.query_one("#people", InvolvedList)
        involved.people = list(draft.people)
        involved.redraw()
        self.query_one("#form-body").loading = False
        self._initial = self.values()
        self.show_problems()
        self.query_one("#category", Select).focus()
        if hasattr(self.app, "restore_draft"):
            self.app.restore_draft(self)

    def problems(self) -> dict[str, str]:
        wrong = {}
        if self.query_one("#category", Select).value is Select.NULL:
            wrong["category"] = "Choose a category"
        when = self.query_one("#occurred_on", DateField)
        if when.date is None:
            wrong["occurred_on"] = when.validation_message
        elif when.date > self.app.today():
            wrong["occurred_on"] = "An incident cannot be dated in the future"
        if not self.query_one("#source_ref", Input).value.strip():
            wrong["source_ref"] = "Type the source's reference (e.g. the STORM log number)"
        return wrong

    def saver(self):
        categories, today = [c.key for c in self.app.cfg.categories], self.app.today()
        values = dict(
            incident_id=self.incident_id, expected_version=self.against(self.version),
            occurred_on=self.query_one("#occurred_on", DateField).date,
            category=str(self.query_one("#category", Select).value),
            source=str(self.query_one("#source", Select).value),
            source_ref=self.query_one("#source_ref", Input).value,
            location=self.query_one("#location", PickField).picked,
            hate=self.query_one("#hate", Checkbox).value,
            description=self.query_one("#description", Input).value.strip(),
            people=[(p.id, role) for p, role in self.query_one("#people", InvolvedList).people],
        )

        def write(session) -> bool:
            save_incident(session, categories, today, **values)
            return True

        return write

    # -- a clash: places are shown by name, and taken as the place ----------------------

    def explain_clash(self, clash: Conflict) -> None:
        ids = {value for values in (clash.yours, clash.theirs)
               if (value := values.get("location_id")) is not None}
        with self.app.store.read() as session:
            self.places = {place_id: picked(session, "location", place_id) for place_id in ids}

    def clash_value(self, key: str, value) -> str:
        if key == "location_id" and value in self.places:
            return picked_label(self.places[value], self.app.private).plain  # as the field shows it
        return super().clash_value(key, value)

    def take_theirs(self, clash: Conflict) -> None:
        super().take_theirs(clash)
        if "location_id" in clash.theirs:
            place = self.places.get(clash.theirs["location_id"])
            self.query_one("#location", PickField).set(place)

    def saved_message(self, result: bool) -> str:
        return "Incident saved" if self.incident_id else "Incident added"
