"""Settings: defaults < TOML file < KIOSK_* environment < command line, and clear Chinese
errors for everything a hall could get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import config as config_module
from kiosk.config import Config, load_config
from kiosk.errors import KioskError


@pytest.fixture(autouse=True)
def platform_dirs(tmp_path, monkeypatch):
    """Point the platform directories at places that do not exist (yet)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-such-config-home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def error(**kwargs) -> str:
    with pytest.raises(KioskError) as info:
        load_config(**kwargs)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_defaults_without_any_file(tmp_path):
    config = load_config(environ={})
    assert config == Config()
    assert config.lang == "zh_CN" and config.printer == "none" and config.idle_seconds == 90
    assert config.scan_gap_ms == 40 and config.scan_end_ms == 150
    assert config.data_dir == tmp_path / "data-home" / config_module.APP_NAME
    assert config.db_url == f"sqlite:///{config.data_dir / 'kiosk.db'}"
    assert config.keys_dir == config.data_dir / "keys"
    assert not (tmp_path / "no-such-config-home").exists()  # loading creates nothing


def test_default_config_file_is_read(tmp_path):
    path = config_module.default_config_file()
    assert path.parent == tmp_path / "no-such-config-home" / config_module.APP_NAME
    path.parent.mkdir(parents=True)
    write(path, 'lang = "en"\n')
    assert load_config(environ={}).lang == "en"


def test_toml_file_values(tmp_path):
    file = write(tmp_path / "k.toml", """
data_dir = "~/hall"
db = "postgresql://kiosk@db.local/hall"
lang = "en"
printer = "tcp://192.168.1.50:9100"
idle_seconds = 120
idle_warning_seconds = 20
staff_idle_seconds = 300
scan_gap_ms = 30
scan_end_ms = 200
""")
    config = load_config(file, environ={})
    assert config.data_dir == tmp_path / "home" / "hall"
    assert config.db_url == "postgresql://kiosk@db.local/hall"
    assert (config.lang, config.printer) == ("en", "tcp://192.168.1.50:9100")
    assert (config.idle_seconds, config.idle_warning_seconds, config.staff_idle_seconds) == (120, 20, 300)
    assert (config.scan_gap_ms, config.scan_end_ms) == (30, 200)


def test_file_in_chinese_with_comments(tmp_path):
    file = write(tmp_path / "k.toml", '# 东风村党群服务中心\nprinter = "none"  # 暂无打印机\n')
    assert load_config(str(file), environ={}).printer == "none"


def test_environment_overrides_the_file(tmp_path):
    file = write(tmp_path / "k.toml", 'lang = "en"\nidle_seconds = 120\nprinter = "tcp://a"\n')
    env = {"KIOSK_LANG": "zh_CN", "KIOSK_IDLE_SECONDS": "45", "KIOSK_DB": "sqlite:////tmp/x.db",
           "KIOSK_DATA_DIR": str(tmp_path / "d"), "KIOSK_UNRELATED": "ignored", "PATH": "/bin"}
    config = load_config(file, environ=env)
    assert (config.lang, config.idle_seconds, config.printer) == ("zh_CN", 45, "tcp://a")
    assert config.db_url == "sqlite:////tmp/x.db"
    assert config.data_dir == tmp_path / "d"


def test_config_file_named_by_the_environment(tmp_path):
    file = write(tmp_path / "env.toml", "idle_seconds = 33\n")
    assert load_config(environ={"KIOSK_CONFIG": str(file)}).idle_seconds == 33
    other = write(tmp_path / "flag.toml", "idle_seconds = 44\n")
    assert load_config(other, environ={"KIOSK_CONFIG": str(file)}).idle_seconds == 44


def test_command_line_overrides_the_environment(tmp_path):
    file = write(tmp_path / "k.toml", 'db = "sqlite:////file.db"\nlang = "en"\n')
    env = {"KIOSK_DB": "sqlite:////env.db", "KIOSK_LANG": "en", "KIOSK_PRINTER": "tcp://env"}
    config = load_config(file, overrides={"db": "sqlite:////flag.db", "lang": "zh_CN",
                                          "printer": None}, environ=env)
    assert (config.db_url, config.lang) == ("sqlite:////flag.db", "zh_CN")
    assert config.printer == "tcp://env"  # a flag not given (None) leaves it alone


def test_os_environ_is_the_default(monkeypatch):
    monkeypatch.setenv("KIOSK_IDLE_SECONDS", "61")
    assert load_config().idle_seconds == 61


def test_missing_explicit_config_file(tmp_path):
    message = error(path=tmp_path / "nope.toml", environ={})
    assert "找不到配置文件" in message and "nope.toml" in message
    message = error(environ={"KIOSK_CONFIG": str(tmp_path / "gone.toml")})
    assert "找不到配置文件" in message and "gone.toml" in message
    assert "找不到配置文件" in error(path=tmp_path, environ={})  # a directory is not a file


@pytest.mark.parametrize("text", ['lang = "en', "idle_seconds = ", "[[[", 'lang = "en"\nlang = "en"\n'])
def test_bad_toml(tmp_path, text):
    file = write(tmp_path / "k.toml", text)
    message = error(path=file, environ={})
    assert "配置文件" in message and "格式有误" in message and str(file) in message


def test_file_not_in_utf8(tmp_path):
    file = tmp_path / "k.toml"
    file.write_bytes('printer = "打印机"\n'.encode("gb18030"))
    assert "格式有误" in error(path=file, environ={})


@pytest.mark.parametrize("text, key", [
    ("langauge = 'en'\n", "langauge"),
    ("[printer]\nuri = 'tcp://x'\n", "printer"),
    ("db_url = 'sqlite:///x'\n", "db_url"),
])
def test_unknown_keys(tmp_path, text, key):
    file = write(tmp_path / "k.toml", text)
    if key == "printer":  # a known name used as a table is a type error instead
        assert "printer" in error(path=file, environ={})
        return
    message = error(path=file, environ={})
    assert "未知配置项" in message and key in message


@pytest.mark.parametrize("text, key, words", [
    ('idle_seconds = "soon"\n', "idle_seconds", "整数"),
    ("idle_seconds = true\n", "idle_seconds", "整数"),
    ("idle_seconds = 1.5\n", "idle_seconds", "整数"),
    ("idle_seconds = [90]\n", "idle_seconds", "整数"),
    ("idle_seconds = -5\n", "idle_seconds", "负数"),
    ("lang = 1\n", "lang", "文字"),
    ("printer = false\n", "printer", "文字"),
    ("db = ['sqlite:///x']\n", "db", "文字"),
    ("data_dir = 5\n", "data_dir", "目录"),
    ('data_dir = ""\n', "data_dir", "目录"),
])
def test_wrong_types(tmp_path, text, key, words):
    file = write(tmp_path / "k.toml", text)
    message = error(path=file, environ={})
    assert key in message and words in message


@pytest.mark.parametrize("name, value", [
    ("KIOSK_IDLE_SECONDS", "ninety"), ("KIOSK_SCAN_GAP_MS", "4.5"), ("KIOSK_DATA_DIR", ""),
])
def test_wrong_environment_values(name, value):
    message = error(environ={name: value})
    assert name.removeprefix("KIOSK_").lower() in message


def test_unknown_language():
    message = error(environ={"KIOSK_LANG": "fr"})
    assert "不支持的语言" in message and "fr" in message and "zh_CN" in message
    assert "不支持的语言" in error(overrides={"lang": "zh_TW"}, environ={})


def test_unknown_command_line_option():
    assert "未知配置项" in error(overrides={"colour": "red"}, environ={})


def test_missing_config_and_data_directories_are_fine(tmp_path):
    config = load_config(environ={"KIOSK_DATA_DIR": str(tmp_path / "a" / "b" / "c")})
    assert config.data_dir == tmp_path / "a" / "b" / "c"
    assert not (tmp_path / "a").exists()
