"""Importing notices from a folder (a USB stick): read it, see what will be imported and
which files are skipped and why, then import them all as drafts, to check and publish one by
one (publishing runs the privacy check). Dismissed with what was imported."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Select, Static

from kiosk import labels
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.services import notice_import, notices
from kiosk.services.connection import release
from kiosk.services.notice_import import ImportFile
from kiosk.widgets.chrome import MessageLine


class NoticeImportScreen(KioskScreen):
    def __init__(self) -> None:
        super().__init__()
        self.files: list[ImportFile] = []

    def compose_body(self) -> ComposeResult:
        yield Static(_("从文件夹导入通知"), classes="screen-title")
        with Horizontal(classes="form-row"):
            yield Input(id="import-folder", placeholder=_("文件夹，如 /media/usb/通知 或 E:\\通知"))
            yield Select([(_(label), code) for code, label in labels.NOTICE_CATEGORIES.items()],
                         value="village", allow_blank=False, id="import-category")
            yield Button(_("读取"), id="import-read", classes="secondary")
        yield MessageLine(id="import-summary")
        yield DataTable(id="import-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="form-row"):
            yield Static(_("读取 .md 和 .txt 文件；第一行是“# 标题”时用它作标题，否则用文件名。"),
                         classes="hint")
            yield Button(_("导入为草稿"), id="import-go", disabled=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("文件"), _("标题"), _("字数"), _("结果"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "import-read":
            event.stop()
            folder = self.query_one("#import-folder", Input).value.strip()
            if not folder:
                self.show_message(_("请先填写文件夹"), "error")
                return
            self._read(Path(folder), self.query_one("#import-category", Select).value)
        elif event.button.id == "import-go":
            event.stop()
            self._import([f.fields for f in self.files if f.fields is not None])

    @work(thread=True, exclusive=True, group="read")
    def _read(self, folder: Path, category: str) -> None:
        try:
            files = notice_import.read_folder(folder, category)
        except KioskError as exc:
            self.app.call_from_thread(self._show, [])
            self.app.call_from_thread(self.show_message, str(exc), "error")
            return
        self.app.call_from_thread(self._show, files)

    def _show(self, files: list[ImportFile]) -> None:
        self.files = files
        table = self.query_one(DataTable)
        table.clear()
        for file in files:
            if file.fields is None:
                table.add_row(file.name, "", "", _("✗ 跳过：{why}").format(why=file.problem))
            else:
                table.add_row(file.name, file.fields.title, str(len(file.fields.body)),
                              _("✓ 导入为草稿"))
        ready = sum(1 for f in files if f.fields is not None)
        skipped = len(files) - ready
        summary = self.query_one("#import-summary", MessageLine)
        if files:
            summary.show(_("可以导入 {ready} 个，跳过 {skipped} 个（原因见表格）").format(
                ready=ready, skipped=skipped), "ok" if ready and not skipped else "info")
        else:
            summary.clear()
        self.query_one("#import-go", Button).disabled = not ready

    @work(thread=True, exclusive=True, group="import")
    def _import(self, items: list) -> None:
        try:
            imported = notices.import_drafts(self.app.staff_session, items)
        except KioskError as exc:
            self.app.call_from_thread(self.show_message, str(exc), "error")
            return
        finally:
            release()
        self.app.call_from_thread(self.dismiss, _(
            "已导入 {n} 条通知草稿（第 {first} 到 {last} 号），请逐条检查后发布").format(
            n=len(imported), first=imported[0].number, last=imported[-1].number))
