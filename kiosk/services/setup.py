"""Making a new hall: its record and its card-signing key."""

from __future__ import annotations

from pathlib import Path

from kiosk.db.database import write_lock
from kiosk.db.models import Hall
from kiosk.services import audit, cards, hall


def initialise_hall(name: str, keys_dir: Path) -> Hall:
    with write_lock():
        new_hall = hall.create_local_hall(name)
        key = cards.create_hall_key(keys_dir, new_hall.name)
        audit.record("hall.init", subject=new_hall.name, key_id=key.key_id)
    return new_hall
