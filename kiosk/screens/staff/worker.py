"""What the staff screens for members and events share: reading and changing data through
the services in a worker thread, with the outcome on the message line."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable

from kiosk.screens.base import KioskScreen


class StaffWorkScreen(KioskScreen):
    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the screen's data again (after a change)."""

    def load(self, fetch: Callable, show: Callable) -> None:
        """fetch() in a worker, then show(result) on the screen."""
        self.call_service(fetch, show)

    def change(self, action: Callable, *args, done: str | Callable[..., str],
               then: Callable | None = None, **kwargs) -> None:
        """Run a service call that changes something; say how it went (`done`, or
        done(result)), then reload (or call then(result))."""
        def changed(result) -> None:
            self.show_message(done(result) if callable(done) else done, "ok")
            if then is None:
                self.reload()
            else:
                then(result)

        self.call_service(lambda: action(*args, **kwargs), changed)


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
