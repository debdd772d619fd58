"""County sync for staff: how the last sync went, rows waiting, a 立即同步 button, and the
changes of this hall that lost to an edit made at the county (kept on record, never
dropped), which staff mark as read."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.screens.staff.worker import StaffWorkScreen, fill_table
from kiosk.services import sync


def _fields(values: dict) -> str:
    """Fields as staff read them: 阶段：预备党员，状态：正常."""
    def shown(value) -> str:
        word = labels.STAGES.get(value) or labels.STATUSES.get(value)
        return _(word) if word else ("" if value is None else str(value))
    return "，".join(f"{_(labels.SYNC_FIELDS.get(name, name))}：{shown(value)}"
                    for name, value in values.items())


def status_text(state: sync.SyncStatus) -> str:
    """The status line of county sync: last success, rows waiting, the last problem."""
    parts = [_("县里同步：上次成功 {time}").format(time=state.last_ok[:16]) if state.last_ok
             else _("县里同步：还没有成功过"),
             _("第一次同步时上传全部记录") if state.waiting is None
             else _("待上传 {n} 行").format(n=state.waiting)]
    if state.error:
        parts.append(_("上次出错：{error}").format(error=state.error))
    if state.conflicts:
        parts.append(_("{n} 处改动以县里的为准").format(n=state.conflicts))
    return "；".join(parts)


class CountySyncScreen(StaffWorkScreen):
    def compose_body(self) -> ComposeResult:
        yield Static(_("县里同步"), classes="screen-title")
        yield Static(id="county-state")
        with Horizontal(classes="county-actions"):
            yield Button(_("立即同步"), id="sync-now")
            yield Button(_("冲突都已看过"), id="conflicts-seen", classes="secondary")
        yield DataTable(id="conflicts", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("时间"), _("记录"), _("本中心的改动（未保留）"),
                                              _("县里的（保留）"))
        super().on_mount()

    def reload(self) -> None:
        self.load(lambda: (sync.status(), sync.conflicts()), self._show)

    def _show(self, found) -> None:
        state, conflicts = found
        self.query_one("#county-state", Static).update(status_text(state))
        fill_table(self.query_one(DataTable), [
            (f"{c.kind}:{c.key}:{c.time}", (f"{c.time:%Y-%m-%d %H:%M}",
                                            f"{_(labels.SYNC_KINDS.get(c.kind, c.kind))} {c.key}",
                                            _fields(c.lost), _fields(c.kept)))
            for c in conflicts])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        config = self.app.config
        if event.button.id == "sync-now":
            event.stop()
            self.change(sync.sync_once, config.county_url, config.county_token,
                        done=_("同步完成"))
        elif event.button.id == "conflicts-seen":
            event.stop()
            self.change(sync.mark_conflicts_seen, done=_("已标记为看过"))
