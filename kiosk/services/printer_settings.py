"""Printer settings that staff change on the printer screen, kept in the database so that
they hold for every start of the kiosk: whether the printer has a buzzer to sound when
someone calls staff. (How receipts are printed is in the configuration file.)"""

from __future__ import annotations

from kiosk.db.database import write_lock
from kiosk.db.models import Meta
from kiosk.services import audit
from kiosk.services.staff import StaffSession, staff_only

BUZZER_KEY = "printer_buzzer"


def has_buzzer() -> bool:
    """Off until staff turn it on: a printer without a buzzer may print the command's bytes."""
    setting = Meta.get_or_none(Meta.key == BUZZER_KEY)
    return setting is not None and setting.value == "on"


@staff_only("printer.buzzer")
def set_buzzer(session: StaffSession, on: bool) -> None:
    with write_lock():
        Meta.put(BUZZER_KEY, "on" if on else "off")
        audit.record("printer.buzzer", actor=session.actor, on=on)
