"""`kiosk serve`: the kiosk in a web browser, for a touch screen running Chromium in kiosk
mode, or a staff PC.

Each browser connection runs its own `python -m kiosk run` (through textual-serve's
AppService), whose screen is drawn in the page by textual-serve's script (xterm.js).
Everything the page loads comes from this server, so a hall with no internet sees the
same page: our template, style sheet and script (assets/serve/), and textual-serve's
terminal script and style sheet from its package. textual-serve's own page would load a
web font from the internet; its script names that font, so we serve the script with our
font list in its place (system fonts only, Chinese included) and with xterm's screen reader
mode on, which puts the screen's text in the page for screen readers (and the browser test).
"""

from __future__ import annotations

import dataclasses
import errno
import html
import ipaddress
import json
import logging
import os
import shlex
import socket
import subprocess
import sys
from importlib import resources
from pathlib import Path
from string import Template

import textual_serve
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from kiosk.config import Config
from kiosk.errors import KioskError

# A Latin monospace font first: it sets the cell size and draws letters, digits and symbols
# such as × and ← one cell wide, as the kiosk counts them (CJK fonts draw those two cells
# wide, over the next character). Chinese comes from the first CJK font the PC has.
FONT_STACK = ('"DejaVu Sans Mono", Consolas, "Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono", '
              '"Microsoft YaHei", monospace')
FONT_SIZES = range(10, 61)
SHIPPED_STATIC = Path(textual_serve.__file__).parent / "static"
SHIPPED_TERMINAL_OPTIONS = "fontFamily:\"'Roboto Mono', Monaco, 'Courier New', monospace\""
OWN_FILES = resources.files("kiosk.assets") / "serve"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def terminal_script() -> str:
    """textual-serve's script, with our fonts and the screen reader mode."""
    script = (SHIPPED_STATIC / "js" / "textual.js").read_text(encoding="utf-8")
    if script.count(SHIPPED_TERMINAL_OPTIONS) != 1:
        raise KioskError("这个版本的 textual-serve 无法使用（找不到它的字体设置），请安装 textual-serve 1.1 版")
    return script.replace(
        SHIPPED_TERMINAL_OPTIONS, f"fontFamily:{json.dumps(FONT_STACK)},screenReaderMode:!0"
    )


def kiosk_command() -> str:
    """The shell command textual-serve runs for each browser connection."""
    words = [sys.executable, "-P", "-m", "kiosk", "run"]  # -P: never a "kiosk" folder in the working directory
    return subprocess.list2cmdline(words) if os.name == "nt" else shlex.join(words)


def settings_environment(config: Config) -> dict[str, str]:
    """Every setting as a KIOSK_* variable, so the served kiosk runs with exactly the
    settings `kiosk serve` resolved. The environment also keeps a database password off
    the process list, where command-line arguments can be read by anyone on the machine."""
    return {f"KIOSK_{field.name.upper()}": str(getattr(config, field.name))
            for field in dataclasses.fields(config)}


class KioskSite:
    """The web server: the page, the files it loads and the terminal connection."""

    def __init__(self, title: str, font_size: int, local_only: bool = True):
        self.local_only = local_only
        self.page = Template((OWN_FILES / "index.html").read_text(encoding="utf-8"))
        self.page_values = {"title": html.escape(title), "font_size": font_size,
                            "font_stack": FONT_STACK}
        self.files = {  # path: (text, content type)
            "/static/textual.js": (terminal_script(), "application/javascript"),
            "/static/xterm.css": ((SHIPPED_STATIC / "css" / "xterm.css").read_text(encoding="utf-8"),
                                  "text/css"),
            "/static/kiosk.css": ((OWN_FILES / "kiosk.css").read_text(encoding="utf-8"), "text/css"),
            "/static/kiosk.js": ((OWN_FILES / "kiosk.js").read_text(encoding="utf-8"),
                                 "application/javascript"),
        }
        self.command = kiosk_command()
        self.downloads = DownloadManager()  # textual-serve's; the kiosk offers no downloads
        self.connections: set[web.WebSocketResponse] = set()

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.same_site_only])
        app.add_routes([web.get("/", self.index), web.get("/ws", self.terminal)]
                       + [web.get(path, self.file) for path in self.files])
        app.on_shutdown.append(self.close_connections)
        return app

    @web.middleware
    async def same_site_only(self, request: web.Request, handler):
        """Answer only requests made to this machine's own address (unless other computers
        are allowed), and connect only this page's script: a web site open in the same
        browser must not be able to drive the kiosk."""
        if self.local_only and not is_loopback(request.url.host or ""):
            raise web.HTTPForbidden(text="只能在本机打开自助终端网页")
        origin = request.headers.get("Origin")
        if request.path == "/ws" and origin not in (None, f"http://{request.host}",
                                                    f"https://{request.host}"):
            raise web.HTTPForbidden(text="不接受其他网站的连接")
        return await handler(request)

    async def index(self, request: web.Request) -> web.Response:
        websocket_url = f"{'wss' if request.secure else 'ws'}://{request.host}/ws"
        page = self.page.substitute(self.page_values, websocket_url=html.escape(websocket_url))
        return web.Response(text=page, content_type="text/html")

    async def file(self, request: web.Request) -> web.Response:
        text, content_type = self.files[request.path]
        return web.Response(text=text, content_type=content_type)

    async def terminal(self, request: web.Request) -> web.WebSocketResponse:
        """The page's terminal connection: one kiosk for as long as the page is open."""
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        self.connections.add(websocket)
        kiosk = KioskProcess(self.command, write_bytes=websocket.send_bytes,
                             write_str=websocket.send_str, close=websocket.close,
                             download_manager=self.downloads)
        try:
            await kiosk.start(_size(request.query.get("width"), 80),
                              _size(request.query.get("height"), 24))
            async for message in websocket:
                if message.type == WSMsgType.TEXT:
                    await _relay(message.json(), kiosk, websocket)
        finally:
            self.connections.discard(websocket)
            await kiosk.stop()
        return websocket

    async def close_connections(self, app: web.Application) -> None:
        """The server is stopping: close every page's connection, which quits its kiosk
        (otherwise the server waits a minute for the pages to go away)."""
        for websocket in list(self.connections):
            await websocket.close(code=WSCloseCode.GOING_AWAY)


class KioskProcess(AppService):
    """textual-serve's runner of one `kiosk run`. When the kiosk ends, however it ends
    (even killed), the page is told, so that it can start a new one; textual-serve itself
    leaves the page showing the last screen unless the kiosk quits cleanly."""

    async def run(self) -> None:
        await super().run()
        await self.remote_close()


async def _relay(envelope: list, kiosk: AppService, websocket: web.WebSocketResponse) -> None:
    """One message from the page's script (its protocol, as textual-serve's server reads it)."""
    kind = envelope[0]
    if kind == "stdin":
        await kiosk.send_bytes(envelope[1].encode("utf-8"))
    elif kind == "resize":
        await kiosk.set_terminal_size(envelope[1]["width"], envelope[1]["height"])
    elif kind == "ping":
        await websocket.send_json(["pong", envelope[1]])
    elif kind == "focus":
        await kiosk.focus()
    elif kind == "blur":
        await kiosk.blur()


def _size(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default


def web_address(host: str, port: int) -> str:
    if host in ("0.0.0.0", "::"):
        host = "本机的IP地址"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def serve(config: Config, title: str, host: str, port: int, font_size: int,
          allow_remote: bool) -> None:
    """Serve the kiosk until Ctrl+C (or SIGTERM)."""
    if font_size not in FONT_SIZES:
        raise KioskError(f"字号应在 {FONT_SIZES.start} 到 {FONT_SIZES.stop - 1} 之间")
    if not 1 <= port <= 65535:
        raise KioskError("端口应在 1 到 65535 之间")
    local_only = is_loopback(host)
    if not local_only and not allow_remote:
        raise KioskError(f"只在本机地址（127.0.0.1）上提供网页；要让其他电脑访问 {host}，"
                         "请加 --allow-remote")
    if not local_only:
        print(f"注意：网络上的其他电脑也能打开 {web_address(host, port)}。网页本身没有登录，"
              "谁能打开它，谁就能像站在终端前一样使用；工作人员功能仍要工作证和密码。"
              "请只在可信的内部网络里这样做。", file=sys.stderr)
    site = KioskSite(title, font_size, local_only)
    os.environ.update(settings_environment(config))
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    def started(_text: str) -> None:
        print(f"自助终端网页已启动：{web_address(host, port)}（按 Ctrl+C 停止）", flush=True)

    try:
        web.run_app(site.make_app(), host=host, port=port, print=started, access_log=None)
    except OSError as exc:
        raise KioskError(_bind_problem(exc, host, port)) from None


def _bind_problem(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"端口 {port} 已被占用（可能自助终端网页已经在运行），请换一个端口：--port {port + 1}"
    if exc.errno == errno.EACCES:
        return f"没有权限使用端口 {port}（1024 以下的端口要管理员权限），请换一个端口，如 --port 8000"
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return f"这台电脑没有地址 {host}，请检查 --host"
    return f"无法在 {host} 端口 {port} 上提供网页：{exc.strerror or exc}"
