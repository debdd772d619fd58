"""What the staff screens for members and events share: reading and changing data through
the services in a worker thread, with the outcome on the message line."""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.widgets import DataTable

from kiosk.errors import KioskError
from kiosk.screens.base import KioskScreen
from kiosk.services.connection import release


class StaffWorkScreen(KioskScreen):
    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the screen's data again (after a change)."""

    @work(thread=True, group="load")
    def load(self, fetch: Callable, show: Callable) -> None:
        """fetch() in a worker, then show(result) on the screen."""
        try:
            result = fetch()
        finally:
            release()
        self.app.call_from_thread(show, result)

    @work(thread=True, group="change")
    def change(self, action: Callable, *args, done: str | Callable[..., str],
               then: Callable | None = None, **kwargs) -> None:
        """Run a service call that changes something; say how it went (`done`, or
        done(result)), then reload (or call then(result))."""
        try:
            result = action(*args, **kwargs)
        except KioskError as exc:
            self.app.call_from_thread(self.show_message, str(exc), "error")
            return
        finally:
            release()
        message = done(result) if callable(done) else done
        self.app.call_from_thread(self.show_message, message, "ok")
        self.app.call_from_thread(then or (lambda _result: self.reload()), result)


def selected_key(table: DataTable) -> str | None:
    """The key of the row under the cursor, or None for an empty table."""
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def fill_table(table: DataTable, rows: list[tuple[str, tuple]]) -> None:
    """Replace the rows (key, cells), keeping the cursor on the same row where it still is."""
    selected = selected_key(table)
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    if selected in table.rows:
        table.move_cursor(row=table.get_row_index(selected))
