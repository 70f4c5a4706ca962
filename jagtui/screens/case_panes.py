"""The case view's tabs' widgets, each tab's built (new, empty) when it is first shown
(jagtui.screens.case_view fills them). Used by case_view only."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Sparkline, Static

COLUMNS = {
    "people-table": ("Role", "Name", "Address / place", "Beat", "Born", "Vulnerabilities"),
    "incidents-table": ("Date", "Ref", "Category", "Hate", "Source", "Where", "People"),
    "risk-table": ("Assessed", "Level", "Score", "Assessor", "Review due"),
    "harm-table": ("Category", "Incidents", "Weight", "Harm"),
    "interventions-table": ("Issued", "Step", "To", "Agency", "Review", "Outcome", "Breaches",
                            "Notes"),
    "actions-table": ("Ref", "Action", "Owner", "Due", "Status", "Latest update"),
}


def new_table(table_id: str, zebra_stripes: bool = True) -> DataTable:
    table = DataTable(id=table_id, cursor_type="row", zebra_stripes=zebra_stripes)
    for label in COLUMNS[table_id]:
        table.add_column(label, key=label.lower())
    return table


def pane_content(pane: str) -> list[Widget]:
    """A tab's widgets (new, empty), built when the tab is first shown."""
    if pane == "people":
        return [new_table("people-table")]
    if pane == "incidents":
        return [new_table("incidents-table"), Static("", id="incident-detail", classes="detail")]
    if pane == "risk":
        return [VerticalScroll(Static("", id="risk-latest"), new_table("risk-table"),
                               Static("", id="risk-answers"), id="risk-scroll")]
    if pane == "harm":
        return [Static("", id="harm-summary"), Sparkline([], id="harm-spark"),
                Static("", id="harm-months", classes="hint"), new_table("harm-table", zebra_stripes=False)]
    if pane == "interventions":
        return [Static("", id="ladder"), new_table("interventions-table"),
                Static("", id="intervention-detail", classes="detail")]
    if pane == "actions":
        return [new_table("actions-table")]
    return [VerticalScroll(Static("", id="history-body"), id="history-scroll")]
