"""crossover-bench Litestar app: asyncpg pool under uvicorn, msgspec for JSON.

Litestar 2 as its users write it: handlers declared with `@get`, typed return
values that Litestar encodes with msgspec (its serializer), the pool kept on
the application's state and injected as `state`, Jinja2 through Litestar's
template config. Raw SQL on asyncpg, as the FastAPI and Starlette apps.

Worker rule (uvicorn): workers = cores (K), one event loop per worker, and an
asyncpg pool of DB_POOL_SIZE = C / K connections per worker, where C is the
total database connection cap shared by every app. The pool bounds in-flight
database work per worker; requests beyond it wait for a connection.

Server flags (manifest.json): `--loop uvloop --http httptools` and
`--no-access-log`, as for the FastAPI and Starlette apps.
"""

import os
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import msgspec
from litestar import Litestar, MediaType, get
from litestar.datastructures import State
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))

ROWS = 10_000
MAX_QUERIES = 500
MAX_SLEEP_MS = 10_000
ROW_SQL = "SELECT id, randomnumber FROM world WHERE id = $1"
# pg_sleep in the same statement, so the database itself is the slow part.
SLOW_SQL = "SELECT w.id, w.randomnumber FROM world w, pg_sleep($1) WHERE w.id = $2"
UPDATE_SQL = "UPDATE world SET randomnumber = $2 WHERE id = $1"
FORTUNES_SQL = "SELECT id, message FROM fortune"
MAX_WORK = 1_000_000
MAX_HOT_ROWS = 1_000
# db-cpu: work for the database's CPU alone, one statement with one small answer.
DB_CPU_SQL = "SELECT sum(g) FROM generate_series(1, $1) AS g"
BIG_RESULT_SQL = "SELECT id, randomnumber FROM world ORDER BY id LIMIT $1"
# One statement outside a transaction block, so one transaction: the increment and its new value.
HOT_ROWS_SQL = "UPDATE hotrow SET counter = counter + 1 WHERE id = $1 RETURNING id, counter"
ADDED_FORTUNE = "Additional fortune added at request time."


@asynccontextmanager
async def db_pool(app: Litestar) -> AsyncIterator[None]:
    # Checked here, not at import: a failed lifespan startup makes uvicorn exit
    # with its startup-failure code (3), which also stops the multi-worker
    # supervisor; an import error there only restarts the worker, forever.
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        raise RuntimeError("DATABASE_URL is not set: export DATABASE_URL=postgres://user:password@host:port/dbname")
    # min_size = max_size: the pool is warm before the first request.
    app.state.pool = await asyncpg.create_pool(database_url, min_size=POOL_SIZE, max_size=POOL_SIZE)
    try:
        yield
    finally:
        await app.state.pool.close()


class Message(msgspec.Struct):
    message: str


class World(msgspec.Struct):
    id: int
    randomNumber: int


class DbCpu(msgspec.Struct):
    work: int
    sum: int


class HotRow(msgspec.Struct):
    id: int
    counter: int


def int_param(raw: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)


def world(row: asyncpg.Record) -> World:
    return World(id=row[0], randomNumber=row[1])


@get("/json")
async def json() -> Message:
    return Message(message="Hello, World!")


@get("/db")
async def db(state: State) -> World:
    return world(await state.pool.fetchrow(ROW_SQL, random.randint(1, ROWS)))


# Query parameters are plain strings: the contract maps invalid values to a
# default, where a typed `int` parameter would answer 400.
@get("/queries")
async def queries(state: State, queries: str | None = None) -> list[World]:
    count = int_param(queries, 1, 1, MAX_QUERIES)
    # One connection for the whole request, one query after another, as the
    # sync apps do (asyncpg runs one query at a time per connection).
    async with state.pool.acquire() as conn:
        return [world(await conn.fetchrow(ROW_SQL, random.randint(1, ROWS))) for _ in range(count)]


@get("/slow-db")
async def slow_db(state: State, ms: str | None = None) -> World:
    sleep_ms = int_param(ms, 0, 0, MAX_SLEEP_MS)
    return world(await state.pool.fetchrow(SLOW_SQL, sleep_ms / 1000, random.randint(1, ROWS)))


@get("/updates")
async def updates(state: State, queries: str | None = None) -> list[World]:
    count = int_param(queries, 1, 1, MAX_QUERIES)
    # Distinct ids in ascending order: concurrent requests lock their rows in the
    # same order, so their writes never deadlock.
    ids = sorted(random.sample(range(1, ROWS + 1), count))
    async with state.pool.acquire() as conn:
        # Each row read by a query of its own, as in /queries.
        rows = [await conn.fetchrow(ROW_SQL, world_id) for world_id in ids]
        worlds = [World(id=row[0], randomNumber=random.randint(1, ROWS)) for row in rows]
        # executemany in one transaction: one commit per request.
        async with conn.transaction():
            await conn.executemany(UPDATE_SQL, [(w.id, w.randomNumber) for w in worlds])
    return worlds


@get("/db-cpu")
async def db_cpu(state: State, work: str | None = None) -> DbCpu:
    count = int_param(work, 1, 1, MAX_WORK)
    return DbCpu(work=count, sum=await state.pool.fetchval(DB_CPU_SQL, count))


@get("/big-result")
async def big_result(state: State, rows: str | None = None) -> list[World]:
    count = int_param(rows, 1, 1, ROWS)
    return [world(row) for row in await state.pool.fetch(BIG_RESULT_SQL, count)]


@get("/hot-rows")
async def hot_rows(state: State, k: str | None = None) -> HotRow:
    row = await state.pool.fetchrow(HOT_ROWS_SQL, random.randint(1, int_param(k, 1, 1, MAX_HOT_ROWS)))
    return HotRow(id=row[0], counter=row[1])


@get("/fortunes")
async def fortunes(state: State) -> Template:
    rows = [(row[0], row[1]) for row in await state.pool.fetch(FORTUNES_SQL)]
    rows.append((0, ADDED_FORTUNE))
    rows.sort(key=lambda row: row[1])
    # Jinja2 with autoescaping (Litestar's JinjaTemplateEngine turns it on); text/html from the .html name.
    return Template(template_name="fortunes.html", context={"fortunes": [{"id": i, "message": m} for i, m in rows]})


@get("/plaintext", media_type=MediaType.TEXT)
async def plaintext() -> str:
    return "Hello, World!"


app = Litestar(
    route_handlers=[json, db, queries, slow_db, updates, db_cpu, big_result, hot_rows, fortunes, plaintext],
    lifespan=[db_pool],
    template_config=TemplateConfig(directory=Path(__file__).parent / "templates", engine=JinjaTemplateEngine),
)
