"""The hall this database belongs to."""

from __future__ import annotations

from kiosk.db.models import Hall
from kiosk.errors import KioskError
from kiosk.i18n import _


def local_hall() -> Hall:
    hall = Hall.get_or_none(Hall.is_local == True)  # noqa: E712 - peewee expression
    if hall is None:
        raise KioskError(_("数据库里还没有本服务中心的信息：请先运行 kiosk init 或 kiosk demo"))
    return hall


def create_local_hall(name: str) -> Hall:
    name = name.strip()
    if not name:
        raise KioskError(_("服务中心名称不能为空"))
    if Hall.select().where(Hall.is_local == True).exists():  # noqa: E712
        raise KioskError(_("这个数据库已经初始化过了"))
    return Hall.create(name=name, is_local=True)


def hall_name() -> str:
    return local_hall().name
