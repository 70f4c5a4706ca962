"""Create a person or a location (from the picker's ctrl+n)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Select

from jagtui.screens.forms.base import FormScreen, field
from jagtui.screens.widgets import DateField
from jagtui.store.casework import Picked, new_location, new_person


def beat_options(cfg) -> list[tuple[str, str]]:
    return [(f"{b.code} ({', '.join(b.localities[:2])})", b.code) for b in cfg.beats]


def _text(form: FormScreen, field_id: str) -> str:
    return form.query_one(f"#{field_id}", Input).value.strip()


def _beat(form: FormScreen) -> str:
    value = form.query_one("#beat", Select).value
    return "" if value is Select.NULL else str(value)


class NewPersonForm(FormScreen[Picked]):
    form_title = "New person"

    def __init__(self, name: str = "") -> None:
        super().__init__()
        self.name_typed = name
        self.draft_key = "person:new"

    def fields(self) -> ComposeResult:
        today = self.app.today()
        yield field("Name", Input(self.name_typed, id="name", placeholder="Full name"))
        yield field("Date of birth (optional)",
                    DateField(None, today=today, optional=True, id="date_of_birth",
                              placeholder="1990-05-17 or 17/05/1990"),
                    "Needed for the youth flag")
        yield field("Address", Input(id="address"))
        yield field("Postcode", Input(id="postcode"))
        yield field("Beat", Select(beat_options(self.app.cfg), id="beat", prompt="(unknown)"))
        yield field("Phone", Input(id="phone"))
        yield field("Vulnerabilities", Input(id="vulnerabilities",
                                             placeholder="age, disability, mental health, isolation…"))

    def problems(self) -> dict[str, str]:
        wrong = {}
        if not _text(self, "name"):
            wrong["name"] = "Type the person's name"
        born = self.query_one("#date_of_birth", DateField)
        if born.value.strip() and born.date is None:
            wrong["date_of_birth"] = born.validation_message
        elif born.date and born.date > self.app.today():
            wrong["date_of_birth"] = "A date of birth cannot be in the future"
        return wrong

    def saver(self):
        name = _text(self, "name")
        fields = dict(
            date_of_birth=self.query_one("#date_of_birth", DateField).date,
            address=_text(self, "address"), postcode=_text(self, "postcode").upper(),
            beat=_beat(self), phone=_text(self, "phone"),
            vulnerabilities=_text(self, "vulnerabilities"),
        )
        return lambda session: new_person(session, name, **fields)

    def saved_message(self, result: Picked) -> str:
        return "Person added"


class NewLocationForm(FormScreen[Picked]):
    form_title = "New location"

    def __init__(self, name: str = "") -> None:
        super().__init__()
        self.name_typed = name
        self.draft_key = "location:new"

    def fields(self) -> ComposeResult:
        yield field("Name", Input(self.name_typed, id="name",
                                  placeholder="e.g. Larkspur Close play area"))
        yield field("Address", Input(id="address"))
        yield field("Postcode", Input(id="postcode"))
        yield field("Locality", Input(id="locality", placeholder="e.g. Ashby Road Estate"),
                    "Shown instead of the address in privacy mode; sets the beat when known")
        yield field("Beat", Select(beat_options(self.app.cfg), id="beat", prompt="(unknown)"))
        yield field("Kind", Input(id="kind", placeholder="park, shop, street, block of flats…"))

    def value_changed(self, widget) -> None:
        # A known locality fills in its beat, unless one was chosen already.
        if widget.id == "locality":
            beat = self.app.cfg.locality_beat.get(widget.value.strip().lower())
            select = self.query_one("#beat", Select)
            if beat and select.value is Select.NULL:
                select.value = beat

    def problems(self) -> dict[str, str]:
        return {} if _text(self, "name") else {"name": "Type the location's name"}

    def saver(self):
        name = _text(self, "name")
        fields = dict(address=_text(self, "address"), postcode=_text(self, "postcode").upper(),
                      locality=_text(self, "locality"), beat=_beat(self), kind=_text(self, "kind"))
        return lambda session: new_location(session, name, **fields)

    def saved_message(self, result: Picked) -> str:
        return "Location added"
