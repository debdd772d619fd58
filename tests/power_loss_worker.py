"""The program tests/test_power_loss.py kills again and again: it signs members in through
the real services, the way the kiosk does, queues a slip for each and a request with its
ticket, while a print spool sends the queue to a file printer. It writes a line to stdout
only once what the line reports is stored, which is what the kiosk waits for before it
tells a person "done".

    python power_loss_worker.py DB_URL CARDS_JSON PRINTER_FILE FIRST

CARDS_JSON is a list of [member number, card payload]; members from FIRST on are signed in.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from kiosk.db.database import database, is_postgres
from kiosk.db.session import open_database
from kiosk.printing.escpos import PrintFormat
from kiosk.printing.printers import parse_address
from kiosk.printing.receipts import request_ticket, signin_slip
from kiosk.printing.spool import Spool
from kiosk.services import printing, requests, signin

NOW = dt.datetime(2026, 11, 27, 9, 30)  # sign-in is open for the test's meeting
PRINT_FORMAT = PrintFormat(58, "text", "simple")  # a file printer answers no status queries


def main(url: str, cards_file: str, printer_file: str, first: int) -> int:
    open_database(url)
    spool = Spool(parse_address(f"file://{printer_file}"), PRINT_FORMAT, retry=0.01)
    spool.start()
    synchronous = "" if is_postgres() else database.execute_sql("PRAGMA synchronous").fetchone()[0]
    print(f"ready {synchronous}", flush=True)
    for number, payload in json.loads(Path(cards_file).read_text())[first:]:
        result = signin.sign_in(payload, NOW)
        if result.code != "ok":
            print(f"refused {number} {result.code}", flush=True)
            return 1
        slip = signin_slip(hall="测试村", time=NOW, member_name=result.name, member_number=number,
                           event_title=result.event, event_start=result.start)
        job = printing.enqueue(slip, "signin")
        spool.wake()
        print(f"signin {number} {job.id}", flush=True)
        view = requests.submit("other", f"{number} 反映的问题", "")
        ticket = request_ticket(hall="测试村", time=NOW, ticket=view.ticket, qr=view.proof,
                                category=view.category, text=view.text, phone="")
        job = printing.enqueue(ticket, "ticket")
        spool.wake()
        print(f"request {view.ticket} {job.id}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
