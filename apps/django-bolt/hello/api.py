import random

from asgiref.sync import sync_to_async
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django_bolt import JSON, BoltAPI
from django_bolt.responses import HTML, PlainText

from .models import Fortune, HotRow, World

ROWS = 10_000
MAX_QUERIES = 500
MAX_SLEEP_MS = 10_000
# pg_sleep in the same statement, so the database itself is the slow part.
SLOW_SQL = "SELECT w.id, w.randomnumber FROM world w, pg_sleep(%s) WHERE w.id = %s"
ADDED_MESSAGE = "Additional fortune added at request time."
MAX_WORK = 1_000_000
MAX_HOT_ROWS = 1_000
# db-cpu: work for the database's CPU alone, one statement with one small answer.
DB_CPU_SQL = "SELECT sum(g) FROM generate_series(1, %s) AS g"

# Bolt's Actix server sends Date but no Server header; the contract wants one,
# as gunicorn and uvicorn send.
SERVER_HEADER = {"Server": "django-bolt"}

api = BoltAPI()


def int_param(raw, default, low, high):
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)


def as_json(world):
    return {"id": world.id, "randomNumber": world.randomnumber}


def respond(data):
    return JSON(data, headers=SERVER_HEADER)


async def random_world():
    return await World.objects.aget(id=random.randint(1, ROWS))


@api.get("/json")
async def json():
    return respond({"message": "Hello, World!"})


@api.get("/db")
async def db():
    return respond(as_json(await random_world()))


# Query parameters are plain strings: the contract maps invalid values to a
# default, where a typed `int` parameter would answer 422.
@api.get("/queries")
async def queries(queries: str | None = None):
    count = int_param(queries, 1, 1, MAX_QUERIES)
    return respond([as_json(await random_world()) for _ in range(count)])


@api.get("/updates")
async def updates(queries: str | None = None):
    count = int_param(queries, 1, 1, MAX_QUERIES)
    # Distinct ids in ascending order: concurrent requests lock their rows in the
    # same order, so their writes never deadlock.
    ids = sorted(random.sample(range(1, ROWS + 1), count))
    # Each row loaded by a query of its own, as in /queries.
    worlds = [await World.objects.aget(id=world_id) for world_id in ids]
    for world in worlds:
        world.randomnumber = random.randint(1, ROWS)
    # One UPDATE ... SET randomnumber = CASE ... END WHERE id IN (...), which
    # bulk_update runs in a transaction of its own: one commit per request.
    await World.objects.abulk_update(worlds, ["randomnumber"])
    return respond([as_json(world) for world in worlds])


@api.get("/slow-db")
async def slow_db(ms: str | None = None):
    sleep_ms = int_param(ms, 0, 0, MAX_SLEEP_MS)
    query = World.objects.raw(SLOW_SQL, [sleep_ms / 1000, random.randint(1, ROWS)])
    async for world in query:
        return respond(as_json(world))


# Django has no async cursor and no async transaction.atomic: both run in a
# sync function through sync_to_async, as Django's docs say. Each call runs
# whole on one thread of Bolt's ORM executor, so on one connection.
@sync_to_async
def db_sum(work):
    with connection.cursor() as cursor:
        cursor.execute(DB_CPU_SQL, [work])
        return cursor.fetchone()[0]


# One increment in a transaction of its own: the F() expression makes it
# UPDATE ... SET counter = counter + 1, and the row, locked by the UPDATE until
# the commit, is read back in the same transaction.
@sync_to_async
def increment(row_id):
    with transaction.atomic():
        HotRow.objects.filter(id=row_id).update(counter=F("counter") + 1)
        return HotRow.objects.get(id=row_id)


@api.get("/db-cpu")
async def db_cpu(work: str | None = None):
    count = int_param(work, 1, 1, MAX_WORK)
    return respond({"work": count, "sum": int(await db_sum(count))})


# The first rows of world in id order: one SELECT ... ORDER BY id LIMIT n.
@api.get("/big-result")
async def big_result(rows: str | None = None):
    count = int_param(rows, 1, 1, ROWS)
    return respond([as_json(world) async for world in World.objects.order_by("id")[:count]])


@api.get("/hot-rows")
async def hot_rows(k: str | None = None):
    row = await increment(random.randint(1, int_param(k, 1, 1, MAX_HOT_ROWS)))
    return respond({"id": row.id, "counter": row.counter})


# TechEmpower's fortunes: every row through the async ORM, one more added in
# memory, sorted by message (code-point order, Python's), rendered by a Django
# template (autoescaped) into Bolt's HTML response (text/html; charset=utf-8).
@api.get("/fortunes")
async def fortunes():
    rows = [f async for f in Fortune.objects.all()]
    rows.append(Fortune(id=0, message=ADDED_MESSAGE))
    rows.sort(key=lambda f: f.message)
    return HTML(render_to_string("fortunes.html", {"fortunes": rows}), headers=SERVER_HEADER)


# TechEmpower's plaintext: 13 bytes in Bolt's PlainText response (text/plain; charset=utf-8).
@api.get("/plaintext")
async def plaintext():
    return PlainText("Hello, World!", headers=SERVER_HEADER)
