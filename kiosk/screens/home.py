"""The home screen: six big tiles, each also reachable by its number key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.widgets import Button, Static

from kiosk.i18n import N_, _
from kiosk.screens.base import KioskScreen

# (key, id, title, hint)
TILES = (
    ("1", "notices", N_("通知公告"), N_("村务、党务、财务公开")),
    ("2", "signin", N_("扫码签到"), N_("党员参加会议签到")),
    ("3", "requests", N_("办事诉求"), N_("反映问题、开证明")),
    ("4", "record", N_("我的记录"), N_("党员查看本人记录")),
    ("5", "call-staff", N_("呼叫工作人员"), N_("请人过来帮忙")),
    ("0", "staff", N_("工作人员"), N_("工作人员登录")),
)

# What each area is called, for messages such as where a help call came from.
AREA_TITLES = {"home": N_("首页"), "staff": N_("工作人员")} | {tile: title for _k, tile, title, _h in TILES}


class HomeScreen(KioskScreen):
    SHOW_BACK = False
    CSS_PATH = None  # the app's stylesheet has all the home screen needs: it comes up sooner
    AUTO_FOCUS = ""  # nothing to focus on a touch screen; the number keys work anyway
    BINDINGS = [Binding(key, f"open('{tile}')", show=False) for key, tile, _t, _h in TILES]

    def compose_body(self) -> ComposeResult:
        with Grid(id="tiles"):
            for key, tile, title, hint in TILES:
                label = f"{_(title)}\n\n{_(hint)}\n[{_('按键')} {key}]"
                yield Button(label, id=f"tile-{tile}", classes="tile")
        yield Static(_("有党员卡或回执？直接对准扫码器扫一下，不用先选功能"), id="scan-hint")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("tile-"):
            event.stop()
            self.action_open(event.button.id.removeprefix("tile-"))

    def action_open(self, tile: str) -> None:
        if tile == "call-staff":
            self.app.call_staff()
        else:
            self.app.switch_mode(tile)
