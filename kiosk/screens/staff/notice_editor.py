"""Writing a notice: title, category, pinning, validity, the Markdown text with a preview,
then save as a draft or publish. A published notice's change needs a reason and becomes its
next version. Publishing stops at the privacy check when the text has personal data.
Dismissed with what was done, for the list of notices to say."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    ContentSwitcher,
    Input,
    Markdown,
    Select,
    Static,
    TextArea,
)

from kiosk import labels
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.screens.staff.notice_privacy import PrivacyCheckScreen
from kiosk.services import notices
from kiosk.services.connection import release
from kiosk.services.notices import NoticeFields, NoticeView, PersonalDataFound
from kiosk.services.privacy import Finding


class NoticeEditorScreen(KioskScreen):
    def __init__(self, notice_id: str | None = None):
        super().__init__()
        self.notice_id = notice_id
        self.status = "draft"
        self.version: int | None = None  # the version the editor opened, to catch others' edits

    def compose_body(self) -> ComposeResult:
        yield Static(_("新建通知"), id="editor-title", classes="screen-title")
        with Horizontal(classes="form-row"):
            yield Input(id="notice-title", max_length=notices.MAX_TITLE, placeholder=_("标题"))
            yield Select([(_(label), code) for code, label in labels.NOTICE_CATEGORIES.items()],
                         prompt=_("类别"), id="notice-category")
            yield Checkbox(_("置顶"), id="notice-pinned")
        with Horizontal(classes="form-row"):
            yield Input(id="valid-from", max_length=12, placeholder=_("有效期从（不填：发布当天）"))
            yield Input(id="valid-until", max_length=12, placeholder=_("有效期到（不填：长期有效）"))
            yield Input(id="change-note", max_length=200, placeholder=_("修改原因（群众能看到）"))
        with ContentSwitcher(initial="edit-pane", id="editor-panes"):
            yield TextArea(id="edit-pane", soft_wrap=True, show_line_numbers=False)
            with VerticalScroll(id="preview-pane"):
                yield Markdown(id="notice-preview", open_links=False)
        with Horizontal(classes="form-row"):
            yield Button(_("编辑正文"), id="show-edit", classes="secondary")
            yield Button(_("预览"), id="show-preview", classes="secondary")
            yield Static(_("正文用 Markdown 格式"), classes="hint")
            yield Button(_("存草稿"), id="save-draft", classes="secondary")
            yield Button(_("发布"), id="publish")

    def on_mount(self) -> None:
        self.query_one("#change-note").display = False
        if self.notice_id is not None:
            self.call_service(lambda: notices.view(self.notice_id), self._fill)

    def _fill(self, notice: NoticeView) -> None:
        self.status, self.version = notice.status, notice.version
        self.query_one("#editor-title", Static).update(
            _("修改通知：第 {n} 号（{status}，第 {v} 版）").format(
                n=notice.number, status=_(labels.NOTICE_STATUSES[notice.status]), v=notice.version))
        self.query_one("#notice-title", Input).value = notice.title
        self.query_one("#notice-category", Select).value = notice.category
        self.query_one("#notice-pinned", Checkbox).value = notice.pinned
        self.query_one("#valid-from", Input).value = notice.valid_from.isoformat() if notice.valid_from else ""
        self.query_one("#valid-until", Input).value = notice.valid_until.isoformat() if notice.valid_until else ""
        self.query_one(TextArea).text = notice.body
        published = notice.status == "published"
        self.query_one("#change-note").display = published
        self.query_one("#save-draft").display = notice.status == "draft"
        self.query_one("#publish", Button).label = _("发布修改") if published else _("发布")
        if notice.status == "retracted":
            self.query_one("#publish", Button).disabled = True
            self.show_message(_("这条通知已撤回，不能再修改"), "error")

    def _fields(self) -> NoticeFields:
        category = self.query_one("#notice-category", Select).value
        return NoticeFields(
            title=self.query_one("#notice-title", Input).value,
            category=category if isinstance(category, str) else "",
            body=self.query_one(TextArea).text,
            pinned=self.query_one("#notice-pinned", Checkbox).value,
            valid_from=notices.parse_day(self.query_one("#valid-from", Input).value),
            valid_until=notices.parse_day(self.query_one("#valid-until", Input).value),
        )

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button in ("show-edit", "show-preview"):
            event.stop()
            if button == "show-preview":
                await self.query_one("#notice-preview", Markdown).update(self.query_one(TextArea).text)
            self.query_one(ContentSwitcher).current = button.replace("show-", "") + "-pane"
        elif button in ("save-draft", "publish"):
            event.stop()
            try:
                fields = self._fields()
            except KioskError as exc:
                self.show_message(str(exc), "error")
                return
            note = self.query_one("#change-note", Input).value
            self._save(fields, note, publish=button == "publish")

    @work(thread=True, exclusive=True, group="save")
    def _save(self, fields: NoticeFields, note: str, publish: bool,
              confirmed_public: bool = False) -> None:
        session = self.app.staff_session
        try:
            if publish:
                notice = notices.publish(session, fields, self.notice_id, note, confirmed_public,
                                         self.version)
            else:
                notice = notices.save_draft(session, fields, self.notice_id, self.version)
        except PersonalDataFound as found:
            self.app.call_from_thread(self._check_privacy, fields, note, found.findings)
            return
        except KioskError as exc:
            self.app.call_from_thread(self.show_message, str(exc), "error")
            return
        finally:
            release()
        self.app.call_from_thread(self._saved, NoticeView.of(notice), publish)

    def _check_privacy(self, fields: NoticeFields, note: str, findings: list[Finding]) -> None:
        def decided(choice: str) -> None:
            if choice == "confirm":
                self._save(fields, note, publish=True, confirmed_public=True)
            else:
                masked = notices.masked(fields)
                self.query_one("#notice-title", Input).value = masked.title
                self.query_one(TextArea).text = masked.body
                self._save(masked, note, publish=True)

        self.app.push_screen(PrivacyCheckScreen(findings), decided)

    def _saved(self, notice: NoticeView, published: bool) -> None:
        if published:
            done = (_("已发布第 {n} 号通知").format(n=notice.number) if notice.version == 1 else
                    _("第 {n} 号通知已发布第 {v} 版，修改记录群众可以查看").format(
                        n=notice.number, v=notice.version))
            self.dismiss(done)
            return
        self.notice_id, self.version = notice.id, notice.version
        self.query_one("#editor-title", Static).update(
            _("修改通知：第 {n} 号（草稿）").format(n=notice.number))
        self.show_message(_("草稿已保存，群众看不到，发布后才公开"), "ok")
