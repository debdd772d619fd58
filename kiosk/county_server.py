"""`kiosk county serve`: the county's HTTP API (aiohttp) in front of PostgreSQL.

Stateless: everything is in the database, so several of these can run behind a load
balancer. peewee is blocking, so each request's database work runs in a thread pool (each
thread keeps its own connection) and the event loop only moves bytes.

  POST /v1/push     a batch from the outbox   -> {"versions": [...], "conflicts": [...]}
  GET  /v1/changes  ?after=&limit=&hall=&name= -> {"changes": [...], "next": N, "more": bool}
  GET  /v1/health   no token; for the load balancer
Every call but health carries `Authorization: Bearer TOKEN`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import ThreadPoolExecutor

import peewee
from aiohttp import web

from kiosk.db.database import database
from kiosk.services import county

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024 * 1024  # a batch of 2000 rows is well under this
WORKERS = 8  # threads, and so PostgreSQL connections, per server process


def _token(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _with_database(func, *args):
    """Each pool thread keeps its connection; a broken one is closed so the next call
    opens a new one (after a PostgreSQL restart, say)."""
    try:
        return func(*args)
    except (peewee.OperationalError, peewee.InterfaceError):
        database.close()
        raise


async def _in_thread(request: web.Request, func, *args):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app["executor"],
                                      functools.partial(_with_database, func, *args))


def _refusal(exc: county.Refused) -> web.Response:
    return web.json_response({"error": str(exc)}, status=exc.status)


def _push(token: str, body: dict) -> dict:
    hall = body.get("hall") or {}
    account = county.authenticate(token, hall.get("id", ""), hall.get("name", ""))
    return county.accept(account, body)


def _changes(token: str, query) -> dict:
    account = county.authenticate(token, query.get("hall", ""), query.get("name", ""))
    return county.changes(account, int(query.get("after", 0)), int(query.get("limit", 500)))


async def push(request: web.Request) -> web.Response:
    try:
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError
        return web.json_response(await _in_thread(request, _push, _token(request), body))
    except county.Refused as exc:
        return _refusal(exc)
    except (ValueError, KeyError, TypeError, AttributeError):
        return web.json_response({"error": "请求格式不对"}, status=400)


async def changes(request: web.Request) -> web.Response:
    try:
        return web.json_response(
            await _in_thread(request, _changes, _token(request), request.query))
    except county.Refused as exc:
        return _refusal(exc)
    except ValueError:
        return web.json_response({"error": "请求格式不对"}, status=400)


async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def make_app(workers: int = WORKERS) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app["executor"] = ThreadPoolExecutor(workers, thread_name_prefix="county-db")
    app.router.add_post("/v1/push", push)
    app.router.add_get("/v1/changes", changes)
    app.router.add_get("/v1/health", health)

    async def close_pool(app):
        app["executor"].shutdown(wait=True)
    app.on_cleanup.append(close_pool)
    return app


def serve(host: str, port: int) -> None:
    """Run until interrupted; the database is already open (kiosk.db.session)."""
    web.run_app(make_app(), host=host, port=port, print=None, access_log=None)
