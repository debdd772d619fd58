"""Settings: defaults < TOML file < KIOSK_* environment < command-line flags.

A hall with no configuration at all runs on the defaults: an SQLite file in the platform
data directory, Chinese, no printer.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from kiosk.errors import KioskError

APP_NAME = "village-hall-kiosk"
LANGUAGES = ("zh_CN", "en")


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "kiosk.toml"


@dataclass
class Config:
    data_dir: Path = field(default_factory=default_data_dir)
    db: str = ""  # empty: kiosk.db in data_dir
    lang: str = "zh_CN"
    printer: str = "none"
    idle_seconds: int = 90  # public screens return home after this long without input
    idle_warning_seconds: int = 15  # countdown with a 继续 button before that happens
    staff_idle_seconds: int = 180  # staff sessions log out after this long
    request_overdue_days: int = 7  # open requests older than this are highlighted for staff
    scan_gap_ms: int = 40  # keys closer than this belong to one scanner burst
    scan_end_ms: int = 150  # silence that ends a burst sent without Enter
    # the printer settings are checked when the printer is set up (kiosk.printing.escpos)
    paper_mm: int = 58  # receipt paper: 58 (32 columns) or 80 (48 columns)
    printer_mode: str = "text"  # text: the printer's Chinese font; raster: pictures
    printer_profile: str = "default"  # default (QR codes, status) or simple
    printer_font: str = ""  # raster mode: a CJK font file; empty: found by fontconfig
    printer_timeout_ms: int = 3000  # each wait for the printer
    print_retry_ms: int = 5000  # first wait before printing again; doubles each time
    county_url: str = ""  # the county sync server, e.g. http://county.example:8700; "" none
    county_token: str = ""  # this hall's token from `kiosk county add-hall`
    sync_seconds: int = 300  # background sync interval while the kiosk runs

    @property
    def db_url(self) -> str:
        return self.db or f"sqlite:///{self.data_dir / 'kiosk.db'}"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"


def _coerce(name: str, raw: object, target: type) -> object:
    if target is int:
        if isinstance(raw, (bool, float)):  # int(1.5) would quietly make it 1
            raise KioskError(f"配置项 {name} 应为整数，而不是 {raw!r}")
        try:
            value = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise KioskError(f"配置项 {name} 应为整数，而不是 {raw!r}") from None
        if value < 0:
            raise KioskError(f"配置项 {name} 不能为负数")
        return value
    if target is Path:
        if not isinstance(raw, (str, os.PathLike)) or not str(raw):
            raise KioskError(f"配置项 {name} 应为目录路径")
        try:
            return Path(raw).expanduser()
        except RuntimeError:  # ~someone who has no account here
            raise KioskError(f"配置项 {name} 的目录 {raw} 不存在（找不到这个用户）") from None
    if not isinstance(raw, str):
        raise KioskError(f"配置项 {name} 应为文字，而不是 {raw!r}")
    return raw


_FIELD_TYPES = {"data_dir": Path, "db": str, "lang": str, "printer": str, "printer_mode": str,
                "printer_profile": str, "printer_font": str, "county_url": str,
                "county_token": str}


def _apply(config: Config, values: dict[str, object], source: str) -> None:
    known = {f.name for f in dataclasses.fields(Config)}
    for name, raw in values.items():
        if name not in known:
            raise KioskError(f"{source} 中有未知配置项 {name}")
        setattr(config, name, _coerce(name, raw, _FIELD_TYPES.get(name, int)))


def load_config(
    path: str | os.PathLike | None = None,
    overrides: dict[str, object] | None = None,
    environ: dict[str, str] | None = None,
) -> Config:
    """Build the settings; `overrides` are command-line flags (None values are ignored)."""
    environ = os.environ if environ is None else environ
    config = Config()
    explicit = path or environ.get("KIOSK_CONFIG")
    file = Path(explicit) if explicit else default_config_file()
    if file.is_file():
        try:
            values = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise KioskError(f"配置文件 {file} 格式有误：{exc}") from None
        except OSError as exc:
            raise KioskError(f"无法读取配置文件 {file}：{exc.strerror}") from None
        _apply(config, values, str(file))
    elif explicit:
        raise KioskError(f"找不到配置文件 {file}")
    from_env = {
        f.name: environ[f"KIOSK_{f.name.upper()}"]
        for f in dataclasses.fields(Config)
        if f"KIOSK_{f.name.upper()}" in environ
    }
    _apply(config, from_env, "环境变量")
    _apply(config, {k: v for k, v in (overrides or {}).items() if v is not None}, "命令行")
    if config.lang not in LANGUAGES:
        raise KioskError(f"不支持的语言 {config.lang}，可选：{', '.join(LANGUAGES)}")
    return config
