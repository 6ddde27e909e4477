"""crossover-bench Flask variant: the base Flask app (apps/flask), served by Granian's WSGI interface instead of gunicorn.

Only the server differs: the routes, psycopg 3 with its psycopg_pool pool,
autocommit and the JSON are the base app's, line for line.

Worker rule (granian, harness/apps/workers.ts and docs/variants.md): workers =
cores (K), blocking threads = C / K per worker, where C is the total database
connection cap shared by every app. Granian runs each WSGI call on one of its
blocking threads, so at most THREADS requests of a worker run Python at once;
each worker has one pool of DB_POOL_SIZE (= THREADS) connections, so every
blocking thread can hold a connection and the app holds at most
WORKERS x DB_POOL_SIZE = C connections. Requests beyond the threads wait in
Granian's queue, not for a connection.

Server flags (manifest.json): `--interface wsgi`; `--runtime-threads 1
--runtime-mode st`, one single-threaded Rust I/O runtime per worker (one core
per worker: more I/O threads would contend with the Python threads on it);
no --access-log, so Granian writes no access log. Granian answers with its
own Server and Date headers and keeps connections alive (HTTP/1.1).
"""

import atexit
import os
import random
from operator import itemgetter

from flask import Flask, Response, render_template, request
from psycopg_pool import ConnectionPool

DATABASE_URL = os.environ.get("DATABASE_URL")
if not DATABASE_URL:
    raise RuntimeError("DATABASE_URL is not set: export DATABASE_URL=postgres://user:password@host:port/dbname")
POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))

ROWS = 10_000
MAX_QUERIES = 500
MAX_SLEEP_MS = 10_000
ROW_SQL = "SELECT id, randomnumber FROM world WHERE id = %s"
UPDATE_SQL = "UPDATE world SET randomnumber = %s WHERE id = %s"
# pg_sleep in the same statement, so the database itself is the slow part.
SLOW_SQL = "SELECT w.id, w.randomnumber FROM world w, pg_sleep(%s) WHERE w.id = %s"
FORTUNES_SQL = "SELECT id, message FROM fortune"
MAX_WORK = 1_000_000
MAX_HOT_ROWS = 1_000
# db-cpu: work for the database's CPU alone, one statement with one small answer.
DB_CPU_SQL = "SELECT sum(g) FROM generate_series(1, %s) AS g"
BIG_RESULT_SQL = "SELECT id, randomnumber FROM world ORDER BY id LIMIT %s"
# One statement, so in autocommit one transaction: the increment and its new value.
HOT_ROWS_SQL = "UPDATE hotrow SET counter = counter + 1 WHERE id = %s RETURNING id, counter"
ADDED_FORTUNE = (0, "Additional fortune added at request time.")

# min_size = max_size: the pool is warm before the first request and never
# opens a connection on the request path. autocommit, as Django runs: without
# it psycopg wraps every checkout in BEGIN ... COMMIT, two more round trips.
pool = ConnectionPool(
    DATABASE_URL,
    min_size=POOL_SIZE,
    max_size=POOL_SIZE,
    kwargs={"autocommit": True},
    open=True,
)
pool.wait()
# Stops the pool's threads when the worker exits; without it each one takes
# 5 s to time out and a worker needs about 20 s to stop.
atexit.register(pool.close)

app = Flask(__name__)


def int_param(name, default, low, high):
    try:
        value = int(request.args[name])
    except (KeyError, ValueError):
        return default
    return min(max(value, low), high)


def as_json(row):
    return {"id": row[0], "randomNumber": row[1]}


@app.get("/json")
def json():
    return {"message": "Hello, World!"}


@app.get("/db")
def db():
    with pool.connection() as conn:
        row = conn.execute(ROW_SQL, (random.randint(1, ROWS),)).fetchone()
    return as_json(row)


@app.get("/queries")
def queries():
    count = int_param("queries", 1, 1, MAX_QUERIES)
    with pool.connection() as conn:
        rows = [conn.execute(ROW_SQL, (random.randint(1, ROWS),)).fetchone() for _ in range(count)]
    return [as_json(row) for row in rows]


@app.get("/updates")
def updates():
    count = int_param("queries", 1, 1, MAX_QUERIES)
    # Distinct ids in ascending order: concurrent requests lock their rows in the
    # same order, so their writes never deadlock.
    ids = sorted(random.sample(range(1, ROWS + 1), count))
    with pool.connection() as conn:
        # Each row read by a query of its own, as in /queries.
        rows = [conn.execute(ROW_SQL, (world_id,)).fetchone() for world_id in ids]
        changed = [(row[0], random.randint(1, ROWS)) for row in rows]
        # executemany: one UPDATE per row, pipelined by psycopg in one round
        # trip; the transaction makes it one commit per request.
        with conn.transaction(), conn.cursor() as cur:
            cur.executemany(UPDATE_SQL, [(number, world_id) for world_id, number in changed])
    return [as_json(world) for world in changed]


@app.get("/slow-db")
def slow_db():
    ms = int_param("ms", 0, 0, MAX_SLEEP_MS)
    with pool.connection() as conn:
        row = conn.execute(SLOW_SQL, (ms / 1000, random.randint(1, ROWS))).fetchone()
    return as_json(row)


@app.get("/db-cpu")
def db_cpu():
    work = int_param("work", 1, 1, MAX_WORK)
    with pool.connection() as conn:
        (total,) = conn.execute(DB_CPU_SQL, (work,)).fetchone()
    return {"work": work, "sum": int(total)}


@app.get("/big-result")
def big_result():
    count = int_param("rows", 1, 1, ROWS)
    with pool.connection() as conn:
        rows = conn.execute(BIG_RESULT_SQL, (count,)).fetchall()
    return [as_json(row) for row in rows]


@app.get("/hot-rows")
def hot_rows():
    k = int_param("k", 1, 1, MAX_HOT_ROWS)
    with pool.connection() as conn:
        row_id, counter = conn.execute(HOT_ROWS_SQL, (random.randint(1, k),)).fetchone()
    return {"id": row_id, "counter": counter}


# TechEmpower's fortunes: every row, one more added in memory, sorted by message
# (code-point order, Python's), rendered by Flask's Jinja2 with autoescaping
# (on for .html templates); Flask answers text/html; charset=utf-8.
@app.get("/fortunes")
def fortunes():
    with pool.connection() as conn:
        rows = conn.execute(FORTUNES_SQL).fetchall()
    rows.append(ADDED_FORTUNE)
    rows.sort(key=itemgetter(1))
    return render_template("fortunes.html", fortunes=rows)


# TechEmpower's plaintext: 13 bytes as text/plain (Flask adds charset=utf-8).
@app.get("/plaintext")
def plaintext():
    return Response("Hello, World!", mimetype="text/plain")
