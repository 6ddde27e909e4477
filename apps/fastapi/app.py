"""crossover-bench FastAPI app: asyncpg pool under uvicorn.

Worker rule (uvicorn): workers = cores (K), one event loop per worker, and an
asyncpg pool of DB_POOL_SIZE = C / K connections per worker, where C is the
total database connection cap shared by every app. The pool bounds in-flight
database work per worker; requests beyond it wait for a connection.

Server flags (manifest.json): `--loop uvloop --http httptools` (uvicorn's
fast implementations; asyncio + h11 cost FastAPI about 1.7x) and
`--no-access-log` (the access log costs about 30% of throughput).
"""

import os
import random
from contextlib import asynccontextmanager
from operator import itemgetter
from pathlib import Path

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))

ROWS = 10_000
MAX_QUERIES = 500
MAX_SLEEP_MS = 10_000
ROW_SQL = "SELECT id, randomnumber FROM world WHERE id = $1"
UPDATE_SQL = "UPDATE world SET randomnumber = $2 WHERE id = $1"
# pg_sleep in the same statement, so the database itself is the slow part.
SLOW_SQL = "SELECT w.id, w.randomnumber FROM world w, pg_sleep($1) WHERE w.id = $2"
FORTUNES_SQL = "SELECT id, message FROM fortune"
MAX_WORK = 1_000_000
MAX_HOT_ROWS = 1_000
# db-cpu: work for the database's CPU alone, one statement with one small answer.
DB_CPU_SQL = "SELECT sum(g) FROM generate_series(1, $1) AS g"
BIG_RESULT_SQL = "SELECT id, randomnumber FROM world ORDER BY id LIMIT $1"
# One statement outside a transaction block, so one transaction: the increment and its new value.
HOT_ROWS_SQL = "UPDATE hotrow SET counter = counter + 1 WHERE id = $1 RETURNING id, counter"
ADDED_FORTUNE = (0, "Additional fortune added at request time.")
# Jinja2 through FastAPI's own wrapper, which turns autoescaping on.
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

pool: asyncpg.Pool


@asynccontextmanager
async def lifespan(app: FastAPI):
    global pool
    # Checked here, not at import: a failed lifespan startup makes uvicorn exit
    # with its startup-failure code (3), which also stops the multi-worker
    # supervisor; an import error there only restarts the worker, forever.
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        raise RuntimeError("DATABASE_URL is not set: export DATABASE_URL=postgres://user:password@host:port/dbname")
    # min_size = max_size: the pool is warm before the first request.
    pool = await asyncpg.create_pool(database_url, min_size=POOL_SIZE, max_size=POOL_SIZE)
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


class Message(BaseModel):
    message: str


class World(BaseModel):
    id: int
    randomNumber: int


class DbCpu(BaseModel):
    work: int
    sum: int


class HotRow(BaseModel):
    id: int
    counter: int


def int_param(raw: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)


# Declared return types: FastAPI validates and serialises the result with
# Pydantic straight to JSON bytes, its documented fast path.
@app.get("/json")
async def json() -> Message:
    return Message(message="Hello, World!")


@app.get("/db")
async def db() -> World:
    row = await pool.fetchrow(ROW_SQL, random.randint(1, ROWS))
    return World(id=row[0], randomNumber=row[1])


# Query parameters are plain strings: the contract maps invalid values to a
# default, where a typed `int` parameter would answer 422.
@app.get("/queries")
async def queries(queries: str | None = None) -> list[World]:
    count = int_param(queries, 1, 1, MAX_QUERIES)
    # One connection for the whole request, one query after another, as the
    # sync apps do (asyncpg runs one query at a time per connection).
    async with pool.acquire() as conn:
        rows = [await conn.fetchrow(ROW_SQL, random.randint(1, ROWS)) for _ in range(count)]
    return [World(id=row[0], randomNumber=row[1]) for row in rows]


@app.get("/updates")
async def updates(queries: str | None = None) -> list[World]:
    count = int_param(queries, 1, 1, MAX_QUERIES)
    # Distinct ids in ascending order: concurrent requests lock their rows in the
    # same order, so their writes never deadlock.
    ids = sorted(random.sample(range(1, ROWS + 1), count))
    async with pool.acquire() as conn:
        # Each row read by a query of its own, as in /queries.
        rows = [await conn.fetchrow(ROW_SQL, world_id) for world_id in ids]
        changed = [(row[0], random.randint(1, ROWS)) for row in rows]
        # executemany: one UPDATE per row, pipelined in one round trip, in one
        # transaction, so one commit per request.
        async with conn.transaction():
            await conn.executemany(UPDATE_SQL, changed)
    return [World(id=world_id, randomNumber=number) for world_id, number in changed]


@app.get("/slow-db")
async def slow_db(ms: str | None = None) -> World:
    sleep_ms = int_param(ms, 0, 0, MAX_SLEEP_MS)
    row = await pool.fetchrow(SLOW_SQL, sleep_ms / 1000, random.randint(1, ROWS))
    return World(id=row[0], randomNumber=row[1])


@app.get("/db-cpu")
async def db_cpu(work: str | None = None) -> DbCpu:
    count = int_param(work, 1, 1, MAX_WORK)
    return DbCpu(work=count, sum=await pool.fetchval(DB_CPU_SQL, count))


@app.get("/big-result")
async def big_result(rows: str | None = None) -> list[World]:
    count = int_param(rows, 1, 1, ROWS)
    return [World(id=row[0], randomNumber=row[1]) for row in await pool.fetch(BIG_RESULT_SQL, count)]


@app.get("/hot-rows")
async def hot_rows(k: str | None = None) -> HotRow:
    row = await pool.fetchrow(HOT_ROWS_SQL, random.randint(1, int_param(k, 1, 1, MAX_HOT_ROWS)))
    return HotRow(id=row[0], counter=row[1])


# TechEmpower's fortunes: every row, one more added in memory, sorted by message
# (code-point order, Python's), rendered by Jinja2 with autoescaping; the
# template response answers text/html; charset=utf-8.
@app.get("/fortunes", response_class=HTMLResponse)
async def fortunes(request: Request):
    rows = [tuple(row) for row in await pool.fetch(FORTUNES_SQL)]
    rows.append(ADDED_FORTUNE)
    rows.sort(key=itemgetter(1))
    return templates.TemplateResponse(request, "fortunes.html", {"fortunes": rows})


# TechEmpower's plaintext: 13 bytes as text/plain; charset=utf-8.
@app.get("/plaintext", response_class=PlainTextResponse)
async def plaintext():
    return PlainTextResponse("Hello, World!")
