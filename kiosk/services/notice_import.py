"""Reading notices from a folder of .md and .txt files (say, on a USB stick) for import as
drafts. Each file either becomes a notice (title: its first line when that is a Markdown
heading, otherwise the file's name) or is skipped with a plain reason: not text, an unknown
encoding, empty, too large. UTF-8 (with or without BOM), UTF-16 with BOM and GBK/GB18030
(what Chinese Windows saves by default) are read."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services.notices import MAX_BODY, NoticeFields

SUFFIXES = (".md", ".txt")
MAX_FILE_BYTES = MAX_BODY * 4 + 4  # the longest body in UTF-16 or 4-byte UTF-8, and a BOM
MAX_FILES = 200
PRINTABLE_SHARE = 0.95  # of the characters in a text file, at least this many are printable


@dataclass(frozen=True)
class ImportFile:
    name: str
    fields: NoticeFields | None  # None when skipped
    problem: str = ""  # why it is skipped


def read_folder(folder: Path, category: str) -> list[ImportFile]:
    """Every .md and .txt file in `folder` (not its subfolders, not hidden files), by name."""
    try:
        if not folder.is_dir():
            raise KioskError(_("找不到文件夹 {folder}，请检查 U 盘是否插好、路径是否写对").format(
                folder=folder))
        paths = sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")),
                       key=lambda p: p.name)
    except OSError as exc:
        raise KioskError(_("无法读取文件夹 {folder}：{error}").format(
            folder=folder, error=exc.strerror)) from None
    if len(paths) > MAX_FILES:
        raise KioskError(_("文件夹里的文件太多（{count} 个），一次最多 {limit} 个，请分几次导入").format(
            count=len(paths), limit=MAX_FILES))
    if not paths:
        raise KioskError(_("文件夹 {folder} 里没有文件").format(folder=folder))
    return [read_file(path, category) for path in paths]


def read_file(path: Path, category: str) -> ImportFile:
    if path.suffix.lower() not in SUFFIXES:
        return ImportFile(path.name, None, "不是 .md 或 .txt 文件")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return ImportFile(path.name, None, f"文件太大（{size // 1024} KB），最多 {MAX_FILE_BYTES // 1024} KB")
        text = decode(path.read_bytes())
        fields = _fields(text, path.stem, category).cleaned()
    except OSError as exc:
        return ImportFile(path.name, None, f"无法读取：{exc.strerror}")
    except KioskError as exc:
        return ImportFile(path.name, None, str(exc))
    return ImportFile(path.name, fields)


def decode(data: bytes) -> str:
    """The text of a file, or KioskError saying why it is not readable text."""
    if not data.strip():
        raise KioskError(_("是空文件"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif b"\x00" in data:
        raise KioskError(_("不是文字文件（可能是图片、文档或程序）"))
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
        raise KioskError(_("不是文字文件（可能是图片、文档或程序）"))
    raise KioskError(_("文字编码无法识别，请用记事本另存为 UTF-8 编码"))


def _looks_like_text(text: str) -> bool:
    printable = sum(1 for char in text if char.isprintable() or char in "\n\r\t")
    return printable >= PRINTABLE_SHARE * len(text)


def _fields(text: str, file_title: str, category: str) -> NoticeFields:
    lines = text.strip().splitlines()
    if lines and lines[0].startswith("#"):
        return NoticeFields(lines[0].lstrip("#").strip(), category, "\n".join(lines[1:]))
    return NoticeFields(file_title, category, text)
