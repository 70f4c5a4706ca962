"""The chair's meeting path as driver methods: start, step through the agenda,
record under each item with its quick key, end, export."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.widgets import DataTable, Select

from jagtui.screens.agenda_runner import AgendaRunnerScreen, LeaveMeeting
from jagtui.screens.forms.meeting_start import StartMeetingForm
from jagtui.screens.meeting import ConfidentialityScreen, MeetingsScreen
from jagtui.screens.meeting_end import MeetingEndScreen

from scenario_chair import Chair, Stuck, widget_offers


@dataclass
class Attendance:
    """Who the chair picks on the start form (names typed in part, found in the directory)."""

    present: list[str] = field(default_factory=list)
    apologies: list[str] = field(default_factory=list)
    chair: str = ""
    minutes: str = ""
    removed: list[str] = field(default_factory=list)   # added by mistake, then removed (d)


class MeetingChair(Chair):
    runner: AgendaRunnerScreen

    # -- start ------------------------------------------------------------------------------

    async def open_meetings(self) -> MeetingsScreen:
        await self.press("5")
        return await self.wait_screen(MeetingsScreen)

    async def pick(self, name: str, key: str) -> None:
        """Type part of a name in the directory search; Enter (present) or ctrl+r (apology)."""
        form: StartMeetingForm = self.app.screen
        await self.focus("people_search", back=True)
        await self.type(name[: max(4, len(name) - 3)])
        await self.wait_for(lambda: form.found and form.found[0].name == name,
                            f"{name} first in the directory")
        await self.press(key)
        await self.wait_for(lambda: form.roll.has(name), f"{name} on the roll")

    async def in_present_list(self, name: str, key: str) -> None:
        """Tab to the Present list, arrow to ``name``, press ``key`` (c, m, a, d)."""
        form: StartMeetingForm = self.app.screen
        listing = await self.focus("present")
        if name not in form.shown_present:
            raise Stuck(f"{name} is not in the Present list: {form.shown_present}")
        await self.to_option(listing, form.shown_present.index(name))
        await self.press(key)

    async def start_meeting(self, who: Attendance) -> AgendaRunnerScreen:
        await self.open_meetings()
        await self.press("n")
        form = await self.wait_screen(StartMeetingForm)
        await self.wait_for(lambda: form.found_for == "", "the directory")
        for name in who.present + who.removed:
            await self.pick(name, "enter")
        for name in who.apologies:
            await self.pick(name, "ctrl+r")
        for name in who.removed:
            await self.in_present_list(name, "d")
            await self.wait_for(lambda: not form.roll.has(name), f"{name} removed")
        if who.minutes:
            await self.in_present_list(who.minutes, "m")
            await self.wait_for(lambda: dict((a.name, k) for a, k in form.roll.people)
                                .get(who.minutes) == "minutes", f"{who.minutes} taking the minutes")
        if who.chair:
            await self.in_present_list(who.chair, "c")
            await self.wait_for(lambda: form.roll.chair == who.chair, f"{who.chair} in the chair")
        await self.press("ctrl+s")
        statement = await self.wait_screen(ConfidentialityScreen, "the confidentiality statement")
        return statement

    async def acknowledge(self) -> AgendaRunnerScreen:
        await self.press("y")
        self.runner = await self.wait_screen(AgendaRunnerScreen, "the agenda runner")
        await self.item_loaded()
        return self.runner

    # -- the agenda --------------------------------------------------------------------------

    async def item_loaded(self) -> None:
        runner = self.runner
        await self.wait_for(lambda: runner.item is not None and runner.current is not None
                            and runner.current.item_id == runner.item.id, "the item to load")

    async def next_item(self) -> None:
        await self.press("n")
        await self.item_loaded()

    async def go_to(self, test, what: str) -> None:
        """``n`` (or ``b``) until the current item passes ``test``."""
        runner = self.runner
        for key in ("n", "b"):
            for _ in range(len(runner.view.items) + 1):
                if test(runner.item):
                    return
                before = runner.index
                await self.press(key)
                await self.item_loaded()
                if runner.index == before:
                    break
        raise Stuck(f"no agenda item {what}; on item {runner.item.number} {runner.item.title!r}")

    async def go_to_kind(self, kind: str) -> None:
        await self.go_to(lambda item: item.kind == kind, f"of kind {kind}")

    async def go_to_case(self, case_id: int) -> None:
        await self.go_to(lambda item: item.case_id == case_id, f"for case {case_id}")

    async def back_to_agenda(self) -> None:
        if self.focused_id != "agenda" and self.focused_id != "review":
            await self.press("escape")

    # -- what the chair records -------------------------------------------------------------------

    async def note(self, text: str, *, agreed: bool = False) -> None:
        await self.press("i")
        await self.type(text)
        await self.press("ctrl+g" if agreed else "ctrl+s")
        await self.press("escape")
        await self.wait_for(lambda: self.focused_id in ("agenda", "review"), "back on the agenda")

    async def agreed(self, text: str) -> None:
        await self.press("a")
        await self.wait_for(lambda: self.focused_id == "decision", "the AGREED form")
        await self.type(text)
        await self.save()

    async def new_action(self, text: str, owner: str, due: str = "") -> None:
        await self.press("o")
        await self.wait_for(lambda: self.focused_id == "text", "the action form on its text")
        await self.type(text)
        await self.fill("owner", owner)
        if due:
            await self.fill("due", due)
        await self.save()

    async def review_row(self, action_id: int) -> None:
        table = self.runner.query_one("#review", DataTable)
        if self.focused_id != "review":
            raise Stuck(f"the action log table has no cursor; on {self.where()}")
        await self.to_row(table, str(action_id), f"action {action_id}")

    async def review(self, action_id: int, key: str, text: str | None = None) -> None:
        """On the action log: arrow to the action, ``u`` / ``c`` / ``f``, type, save."""
        await self.review_row(action_id)
        await self.press(key)
        await self.wait_for(lambda: self.app.screen is not self.runner, f"the form after {key}")
        if text is not None:
            await self.fill("update" if key in "uc" else "note", text)
        await self.save()

    async def intervention(self, *, recipient: str | None = None, notes: str = "",
                           step: str | None = None) -> None:
        """``e``: the step the ladder proposes (or ``step``), given to ``recipient``."""
        await self.press("e")
        await self.wait_for(lambda: self.app.screen is not self.runner, "the intervention form")
        if step:
            await self.choose("step", step)
        if recipient:
            await self.choose_recipient(recipient)
        if notes:
            await self.fill("notes", notes)
        await self.save()

    async def choose_recipient(self, name: str) -> None:
        """Tab through the form to the choice that lists the case's people; pick ``name``."""
        seen = []
        for _ in range(16):
            focused = self.app.focused
            if focused is not None and focused.id not in ("step", "agency") and widget_offers(focused, name):
                if isinstance(focused, Select):
                    await self.choose_here(focused, name)
                else:
                    await self.to_option(focused, next(
                        n for n in range(focused.option_count)
                        if name.casefold() in str(focused.get_option_at_index(n).prompt).casefold()))
                    await self.press("enter")
                return
            seen.append(getattr(focused, "id", None))
            await self.press("tab")
        raise Stuck(f"the intervention form has no field offering {name!r} as the recipient "
                    f"(fields tabbed: {seen})")

    async def rag(self, rating: str) -> None:
        await self.press("r")
        await self.wait_for(lambda: self.focused_id == "rag", "the RAG form")
        await self.choose_here(self.app.focused, rating.upper())
        await self.save()

    async def risk_review(self, keys: list[str]) -> None:
        await self.press("s")
        await self.wait_for(lambda: self.app.screen is not self.runner, "the risk form")
        await self.press(*keys)
        await self.save()

    async def close_case(self, reason: str) -> None:
        await self.press("x")
        await self.wait_for(lambda: self.focused_id == "reason", "the closure form")
        await self.type(reason)
        await self.save()

    async def late_arrival(self, name: str, organisation: str) -> None:
        await self.press("w")
        await self.wait_for(lambda: self.focused_id == "attendee_name", "the attendance form")
        await self.type(name)
        await self.fill("attendee_org", organisation)
        await self.save()

    async def next_meeting_date(self, typed: str) -> None:
        await self.press("d")
        await self.wait_for(lambda: self.focused_id == "next_on", "the next-meeting form")
        await self.press("end", "ctrl+u")
        await self.type(typed)
        await self.save()

    async def move_item(self, key: str) -> None:
        runner, before = self.runner, self.runner.index
        await self.press(key)
        step = -1 if key == "left_square_bracket" else 1
        await self.wait_for(lambda: runner.index == before + step, f"the item to move ({key})")

    # -- the end --------------------------------------------------------------------------------

    async def end_meeting(self) -> MeetingEndScreen:
        await self.press("E")
        end = await self.wait_screen(MeetingEndScreen, "the end screen")
        await self.wait_for(lambda: end.done is not None, "the end summary")
        return end

    async def finalise(self, end: MeetingEndScreen) -> None:
        await self.press("ctrl+s")
        await self.wait_for(lambda: end.final, "final minutes")

    async def export(self, end: MeetingEndScreen, key: str, what: str) -> list:
        await self.press(key)
        await self.wait_for(lambda: what in dict(end.exported), f"the {what} export")
        return dict(end.exported)[what]

    async def leave(self) -> None:
        await self.press("escape")
        if isinstance(self.app.screen, LeaveMeeting):
            await self.press("y")


__all__ = ["Attendance", "MeetingChair"]
