"""crossover-bench FastAPI + SQLAlchemy variant: SQLAlchemy 2's async ORM on asyncpg, under uvicorn.

The stack many FastAPI teams run: a mapped `World` model, an AsyncSession per
request from a FastAPI dependency, and SQLAlchemy's own connection pool instead
of asyncpg's. Everything else is the base app's (apps/fastapi): uvicorn flags,
response models, routes, parameter handling.

Worker rule (uvicorn): workers = cores (K), one event loop per worker, and a
SQLAlchemy pool of DB_POOL_SIZE = C / K connections per worker (the harness's
{poolSize}), with max_overflow=0 so it never opens more; requests beyond it
wait for a connection. C is the database connection cap shared by every app.

Connections: asyncpg.connect(DATABASE_URL) opens each one (async_creator), so
asyncpg reads the URL itself, as in the base app, including the
application_name=crossover-app-<name> the harness puts in it. SQLAlchemy's
asyncpg dialect would pass that query parameter to asyncpg.connect() as a
keyword argument, which it does not take.

What SQLAlchemy adds per request (the price of the stack, left as teams run it):
the session begins a transaction on its first query (BEGIN) and rolls it back
when it closes (ROLLBACK), two more round trips; statements are prepared once
per connection by the dialect's statement cache, then only bound and executed.
"""

import os
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

import asyncpg
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from sqlalchemy import BigInteger, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))

ROWS = 10_000
MAX_QUERIES = 500
MAX_SLEEP_MS = 10_000
MAX_WORK = 1_000_000
MAX_HOT_ROWS = 1_000


class Base(DeclarativeBase):
    pass


class World(Base):
    __tablename__ = "world"

    id: Mapped[int] = mapped_column(primary_key=True)
    randomnumber: Mapped[int]


class Fortune(Base):
    __tablename__ = "fortune"

    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str]


# hot-rows' table: a counter per id that requests increment (the harness creates it).
class HotRow(Base):
    __tablename__ = "hotrow"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(BigInteger)


ADDED_FORTUNE = (0, "Additional fortune added at request time.")
# Jinja2 through FastAPI's own wrapper, which turns autoescaping on.
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


engine: AsyncEngine
Session: async_sessionmaker[AsyncSession]


@asynccontextmanager
async def lifespan(app: FastAPI):
    global engine, Session
    # Checked here, not at import, as in the base app: a failed lifespan
    # startup makes uvicorn exit instead of restarting the worker forever.
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        raise RuntimeError("DATABASE_URL is not set: export DATABASE_URL=postgres://user:password@host:port/dbname")
    engine = create_async_engine(
        "postgresql+asyncpg://",
        async_creator=lambda: asyncpg.connect(database_url),
        pool_size=POOL_SIZE,
        max_overflow=0,
    )
    Session = async_sessionmaker(engine, expire_on_commit=False)
    # Open the whole pool before the first request, as the base app's
    # min_size = max_size does: no connection is opened on the request path.
    connections = [await engine.connect() for _ in range(POOL_SIZE)]
    for connection in connections:
        await connection.close()
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


async def session() -> AsyncIterator[AsyncSession]:
    async with Session() as s:
        yield s


SessionDep = Annotated[AsyncSession, Depends(session)]


class Message(BaseModel):
    message: str


class WorldOut(BaseModel):
    id: int
    randomNumber: int


class DbCpu(BaseModel):
    work: int
    sum: int


class HotRowOut(BaseModel):
    id: int
    counter: int


def int_param(raw: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)


def by_id(world_id: int):
    # A SELECT, not session.get(): get() answers a repeated id from the
    # session's identity map without a query, and /queries must read every row.
    return select(World).where(World.id == world_id)


def out(world: World) -> WorldOut:
    return WorldOut(id=world.id, randomNumber=world.randomnumber)


@app.get("/json")
async def json() -> Message:
    return Message(message="Hello, World!")


@app.get("/db")
async def db(s: SessionDep) -> WorldOut:
    return out((await s.execute(by_id(random.randint(1, ROWS)))).scalar_one())


# One session, so one connection, for the whole request, one query after
# another, as the base app does.
@app.get("/queries")
async def queries(s: SessionDep, queries: str | None = None) -> list[WorldOut]:
    count = int_param(queries, 1, 1, MAX_QUERIES)
    return [out((await s.execute(by_id(random.randint(1, ROWS)))).scalar_one()) for _ in range(count)]


@app.get("/updates")
async def updates(s: SessionDep, queries: str | None = None) -> list[WorldOut]:
    count = int_param(queries, 1, 1, MAX_QUERIES)
    # Distinct ids in ascending order: concurrent requests lock their rows in the
    # same order, so their writes never deadlock.
    ids = sorted(random.sample(range(1, ROWS + 1), count))
    # Each row loaded by a query of its own, as in /queries.
    worlds = [(await s.execute(by_id(world_id))).scalar_one() for world_id in ids]
    for world in worlds:
        world.randomnumber = random.randint(1, ROWS)
    # The unit of work flushes one UPDATE per changed object (as one
    # executemany, in primary-key order) and commits the session's transaction.
    await s.commit()
    return [out(world) for world in worlds]


@app.get("/slow-db")
async def slow_db(s: SessionDep, ms: str | None = None) -> WorldOut:
    sleep_ms = int_param(ms, 0, 0, MAX_SLEEP_MS)
    # pg_sleep in the same statement, so the database itself is the slow part:
    # SELECT ... FROM world JOIN pg_sleep($1) AS anon_1 ON true WHERE world.id = $2
    stmt = by_id(random.randint(1, ROWS)).join(func.pg_sleep(sleep_ms / 1000).table_valued(), true())
    return out((await s.execute(stmt)).scalar_one())


# db-cpu: work for the database's CPU alone, one statement with one small answer:
# SELECT sum(g) FROM generate_series($1::INTEGER, $2::INTEGER) AS g
@app.get("/db-cpu")
async def db_cpu(s: SessionDep, work: str | None = None) -> DbCpu:
    count = int_param(work, 1, 1, MAX_WORK)
    g = func.generate_series(1, count).column_valued("g")
    return DbCpu(work=count, sum=await s.scalar(select(func.sum(g))))


# The first rows of world in id order: one SELECT ... ORDER BY world.id LIMIT $1.
@app.get("/big-result")
async def big_result(s: SessionDep, rows: str | None = None) -> list[WorldOut]:
    count = int_param(rows, 1, 1, ROWS)
    return [out(world) for world in await s.scalars(select(World).order_by(World.id).limit(count))]


# One increment per request: an ORM-enabled UPDATE ... RETURNING in the
# session's transaction, committed before the answer.
@app.get("/hot-rows")
async def hot_rows(s: SessionDep, k: str | None = None) -> HotRowOut:
    row_id = random.randint(1, int_param(k, 1, 1, MAX_HOT_ROWS))
    stmt = update(HotRow).where(HotRow.id == row_id).values(counter=HotRow.counter + 1).returning(HotRow.id, HotRow.counter)
    row = (await s.execute(stmt)).one()
    await s.commit()
    return HotRowOut(id=row.id, counter=row.counter)


# TechEmpower's fortunes: every row through the mapped model, one more added in
# memory, sorted by message (code-point order, Python's), rendered by Jinja2
# with autoescaping; the template response answers text/html; charset=utf-8.
@app.get("/fortunes", response_class=HTMLResponse)
async def fortunes(request: Request, s: SessionDep):
    rows = [(f.id, f.message) for f in (await s.scalars(select(Fortune))).all()]
    rows.append(ADDED_FORTUNE)
    rows.sort(key=lambda row: row[1])
    return templates.TemplateResponse(request, "fortunes.html", {"fortunes": rows})


# TechEmpower's plaintext: 13 bytes as text/plain; charset=utf-8.
@app.get("/plaintext", response_class=PlainTextResponse)
async def plaintext():
    return PlainTextResponse("Hello, World!")
