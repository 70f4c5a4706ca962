"""r in the running meeting opens the RAG form on the case's own rating: a ctrl+s
straight away changes nothing; the rating changes only when one is chosen. Keys,
on SQLite and PostgreSQL."""

from __future__ import annotations

from textual.widgets import Select

from jagtui.screens.forms.meeting_forms import RagForm
from jagtui.store import agenda, cases, meetings

from test_confirm_enter import _app, frozen_clocks, press, running, to_case  # noqa: F401


async def test_rag_form_opens_on_the_current_rating_and_ctrl_s_changes_nothing(running, cfg):
    store, meeting_id, ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        runner = await to_case(app, pilot, meeting_id, ids.red)
        await press(app, pilot, "r")
        form = app.screen
        assert isinstance(form, RagForm)
        assert form.query_one("#rag", Select).value == "red"
        await press(app, pilot, "ctrl+s")
        assert app.screen is form                 # refused in words, nothing saved
        assert "red already" in str(form.query_one("#rag-msg").content)
        with store.read() as session:
            assert cases.get_case(session, ids.red).rag == "red"
        await press(app, pilot, "a", "ctrl+s")    # AMBER chosen by its letter
        assert app.screen is runner
    with store.read() as session:
        assert cases.get_case(session, ids.red).rag == "amber"
        item = next(i for i in agenda.items(session, meeting_id) if i.case_id == ids.red)
        notes = [n.text for n in meetings.notes(session, [item.id])[item.id]]
    assert notes == ["That the RAG rating be changed from red to amber."]
