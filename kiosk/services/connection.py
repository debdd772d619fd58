"""The screens call the services from thread workers, and each thread has its own database
connection: a worker closes it with `release()` when it is done. Here, so that screens and
widgets never import kiosk.db."""

from kiosk.db.database import release

__all__ = ["release"]
