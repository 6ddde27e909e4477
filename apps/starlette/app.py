"""crossover-bench Starlette app: asyncpg pool under uvicorn.

Worker rule (uvicorn): workers = cores (K), one event loop per worker, and an
asyncpg pool of DB_POOL_SIZE = C / K connections per worker, where C is the
total database connection cap shared by every app. The pool bounds in-flight
database work per worker; requests beyond it wait for a connection.

Server flags (manifest.json): `--loop uvloop --http httptools` (uvicorn's
fast implementations; asyncio + h11 cost Starlette about 2.6x) and
`--no-access-log` (the access log costs about 30% of throughput).
"""

import os
import random
from contextlib import asynccontextmanager
from operator import itemgetter
from pathlib import Path

import asyncpg
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.templating import Jinja2Templates

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
# Starlette's Jinja2 wrapper, which turns autoescaping on.
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

pool: asyncpg.Pool


@asynccontextmanager
async def lifespan(app):
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


def int_param(request, name, default, low, high):
    try:
        value = int(request.query_params[name])
    except (KeyError, ValueError):
        return default
    return min(max(value, low), high)


def as_json(row):
    return {"id": row[0], "randomNumber": row[1]}


async def json(request):
    return JSONResponse({"message": "Hello, World!"})


async def db(request):
    row = await pool.fetchrow(ROW_SQL, random.randint(1, ROWS))
    return JSONResponse(as_json(row))


async def queries(request):
    count = int_param(request, "queries", 1, 1, MAX_QUERIES)
    # One connection for the whole request, one query after another, as the
    # sync apps do (asyncpg runs one query at a time per connection).
    async with pool.acquire() as conn:
        rows = [await conn.fetchrow(ROW_SQL, random.randint(1, ROWS)) for _ in range(count)]
    return JSONResponse([as_json(row) for row in rows])


async def updates(request):
    count = int_param(request, "queries", 1, 1, MAX_QUERIES)
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
    return JSONResponse([as_json(world) for world in changed])


async def slow_db(request):
    ms = int_param(request, "ms", 0, 0, MAX_SLEEP_MS)
    row = await pool.fetchrow(SLOW_SQL, ms / 1000, random.randint(1, ROWS))
    return JSONResponse(as_json(row))


async def db_cpu(request):
    work = int_param(request, "work", 1, 1, MAX_WORK)
    return JSONResponse({"work": work, "sum": await pool.fetchval(DB_CPU_SQL, work)})


async def big_result(request):
    count = int_param(request, "rows", 1, 1, ROWS)
    return JSONResponse([as_json(row) for row in await pool.fetch(BIG_RESULT_SQL, count)])


async def hot_rows(request):
    k = int_param(request, "k", 1, 1, MAX_HOT_ROWS)
    row_id, counter = await pool.fetchrow(HOT_ROWS_SQL, random.randint(1, k))
    return JSONResponse({"id": row_id, "counter": counter})


# TechEmpower's fortunes: every row, one more added in memory, sorted by message
# (code-point order, Python's), rendered by Jinja2 with autoescaping; the
# template response answers text/html; charset=utf-8.
async def fortunes(request):
    rows = [tuple(row) for row in await pool.fetch(FORTUNES_SQL)]
    rows.append(ADDED_FORTUNE)
    rows.sort(key=itemgetter(1))
    return templates.TemplateResponse(request, "fortunes.html", {"fortunes": rows})


# TechEmpower's plaintext: 13 bytes as text/plain; charset=utf-8.
async def plaintext(request):
    return PlainTextResponse("Hello, World!")


app = Starlette(
    routes=[
        Route("/json", json),
        Route("/db", db),
        Route("/queries", queries),
        Route("/updates", updates),
        Route("/slow-db", slow_db),
        Route("/db-cpu", db_cpu),
        Route("/big-result", big_result),
        Route("/hot-rows", hot_rows),
        Route("/fortunes", fortunes),
        Route("/plaintext", plaintext),
    ],
    lifespan=lifespan,
)
