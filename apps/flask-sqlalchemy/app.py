"""crossover-bench Flask + Flask-SQLAlchemy variant: SQLAlchemy 2's ORM on psycopg 3, under gunicorn gthread.

The stack many Flask teams run: Flask-SQLAlchemy's `db.Model` classes, its
scoped session (one per request, removed when the request ends) and
SQLAlchemy's connection pool instead of psycopg_pool. Everything else is the
base app's (apps/flask): gunicorn flags, routes, parameter handling.

Worker rule (gunicorn-gthread): workers = cores (K), threads = C / K, where C
is the database connection cap shared by every app. Each worker's SQLAlchemy
pool holds DB_POOL_SIZE (= THREADS) connections with max_overflow=0, so it
never opens more: every thread can hold a connection and the app holds at
most WORKERS x DB_POOL_SIZE = C connections.

Connections: the URL is DATABASE_URL with the psycopg dialect named
(postgresql+psycopg://); SQLAlchemy passes its query, application_name
included, to psycopg.connect(), so the connections carry the app's name.

What SQLAlchemy adds per request (the price of the stack, left as teams run
it): the session begins a transaction on its first query (BEGIN) and rolls it
back when the request's session is removed (ROLLBACK), two more round trips.
psycopg 3 sends each statement with its parameters apart (extended protocol).
It would prepare a statement from its fifth run on a connection
(prepare_threshold), but it forgets its prepared statements on every ROLLBACK,
(and sends DEALLOCATE ALL after it), so a statement is prepared only from its
sixth run within one request: /db never is, /queries?queries=20 is for its
last 15 rows.
"""

import os
import random

from flask import Flask, render_template, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import BigInteger, func, select, true, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DATABASE_URL = os.environ.get("DATABASE_URL")
if not DATABASE_URL:
    raise RuntimeError("DATABASE_URL is not set: export DATABASE_URL=postgres://user:password@host:port/dbname")
POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))

ROWS = 10_000
MAX_QUERIES = 500
MAX_SLEEP_MS = 10_000
MAX_WORK = 1_000_000
MAX_HOT_ROWS = 1_000
ADDED_FORTUNE = "Additional fortune added at request time."


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class World(db.Model):
    __tablename__ = "world"

    id: Mapped[int] = mapped_column(primary_key=True)
    randomnumber: Mapped[int]


class Fortune(db.Model):
    __tablename__ = "fortune"

    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str]


# hot-rows' table: a counter per id that requests increment (the harness creates it).
class HotRow(db.Model):
    __tablename__ = "hotrow"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(BigInteger)


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = DATABASE_URL.replace("postgres://", "postgresql+psycopg://", 1).replace(
    "postgresql://", "postgresql+psycopg://", 1
)
app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": POOL_SIZE, "max_overflow": 0}
db.init_app(app)

# Open the whole pool before the first request, as the base app's
# min_size = max_size does: no connection is opened on the request path.
# Each worker runs this after gunicorn forks it (no --preload).
with app.app_context():
    connections = [db.engine.connect() for _ in range(POOL_SIZE)]
    for connection in connections:
        connection.close()


def int_param(name, default, low, high):
    try:
        value = int(request.args[name])
    except (KeyError, ValueError):
        return default
    return min(max(value, low), high)


def as_json(world):
    return {"id": world.id, "randomNumber": world.randomnumber}


def random_world():
    # A SELECT, not db.session.get(): get() answers a repeated id from the
    # session's identity map without a query, and /queries must read every row.
    return db.session.execute(select(World).where(World.id == random.randint(1, ROWS))).scalar_one()


@app.get("/json")
def json():
    return {"message": "Hello, World!"}


@app.get("/db")
def db_():
    return as_json(random_world())


@app.get("/queries")
def queries():
    count = int_param("queries", 1, 1, MAX_QUERIES)
    return [as_json(random_world()) for _ in range(count)]


@app.get("/slow-db")
def slow_db():
    ms = int_param("ms", 0, 0, MAX_SLEEP_MS)
    # pg_sleep in the same statement, so the database itself is the slow part:
    # SELECT ... FROM world JOIN pg_sleep(%s) AS anon_1 ON true WHERE world.id = %s
    stmt = select(World).join(func.pg_sleep(ms / 1000).table_valued(), true()).where(World.id == random.randint(1, ROWS))
    return as_json(db.session.execute(stmt).scalar_one())


@app.get("/updates")
def updates():
    count = int_param("queries", 1, 1, MAX_QUERIES)
    # Distinct ids in ascending order: concurrent requests lock their rows in the
    # same order, so their writes never deadlock. Each row is loaded by a query
    # of its own, as in /queries.
    ids = sorted(random.sample(range(1, ROWS + 1), count))
    worlds = [db.session.execute(select(World).where(World.id == world_id)).scalar_one() for world_id in ids]
    for world in worlds:
        world.randomnumber = random.randint(1, ROWS)
    body = [as_json(world) for world in worlds]
    # The unit of work writes the changed rows in one executemany UPDATE, in
    # primary key order, then COMMIT.
    db.session.commit()
    return body


# db-cpu: work for the database's CPU alone, one statement with one small answer:
# SELECT sum(g) FROM generate_series(%s::INTEGER, %s::INTEGER) AS g
@app.get("/db-cpu")
def db_cpu():
    work = int_param("work", 1, 1, MAX_WORK)
    g = func.generate_series(1, work).column_valued("g")
    return {"work": work, "sum": int(db.session.scalar(select(func.sum(g))))}


# The first rows of world in id order: one SELECT ... ORDER BY world.id LIMIT %s.
@app.get("/big-result")
def big_result():
    count = int_param("rows", 1, 1, ROWS)
    return [as_json(world) for world in db.session.scalars(select(World).order_by(World.id).limit(count))]


# One increment per request: an ORM-enabled UPDATE ... RETURNING in the
# session's transaction, committed before the answer.
@app.get("/hot-rows")
def hot_rows():
    row_id = random.randint(1, int_param("k", 1, 1, MAX_HOT_ROWS))
    stmt = update(HotRow).where(HotRow.id == row_id).values(counter=HotRow.counter + 1).returning(HotRow.id, HotRow.counter)
    row = db.session.execute(stmt).one()
    db.session.commit()
    return {"id": row.id, "counter": row.counter}


@app.get("/fortunes")
def fortunes():
    fortunes = list(db.session.execute(select(Fortune)).scalars())
    # Not added to the session: it is never written.
    fortunes.append(Fortune(id=0, message=ADDED_FORTUNE))
    fortunes.sort(key=lambda f: f.message)
    # Jinja2, autoescaping .html templates (Flask's default).
    return render_template("fortunes.html", fortunes=fortunes)


@app.get("/plaintext")
def plaintext():
    return "Hello, World!", {"Content-Type": "text/plain"}
