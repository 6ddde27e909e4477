import random

from django.db import connection, transaction
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Schema

from .models import Fortune, HotRow, World

ROWS = 10_000
MAX_QUERIES = 500
MAX_SLEEP_MS = 10_000
# pg_sleep in the same statement, so the database itself is the slow part.
SLOW_SQL = "SELECT w.id, w.randomnumber FROM world w, pg_sleep(%s) WHERE w.id = %s"
ADDED_FORTUNE = "Additional fortune added at request time."
MAX_WORK = 1_000_000
MAX_HOT_ROWS = 1_000
# db-cpu: work for the database's CPU alone, one statement with one small answer.
DB_CPU_SQL = "SELECT sum(g) FROM generate_series(1, %s) AS g"

api = NinjaAPI(title="crossover-bench")


class Message(Schema):
    message: str


class WorldOut(Schema):
    id: int
    randomNumber: int

    # Ninja reads each field from the model instance; the column is `randomnumber`.
    @staticmethod
    def resolve_randomNumber(world):
        return world.randomnumber


class DbCpuOut(Schema):
    work: int
    sum: int


class HotRowOut(Schema):
    id: int
    counter: int


def int_param(raw, default, low, high):
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)


def random_world():
    return World.objects.get(id=random.randint(1, ROWS))


@api.get("/json", response=Message)
def json(request):
    return {"message": "Hello, World!"}


@api.get("/db", response=WorldOut)
def db(request):
    return random_world()


# Query parameters are plain strings: the contract maps invalid values to a
# default, where a typed `int` parameter would answer 422.
@api.get("/queries", response=list[WorldOut])
def queries(request, queries: str | None = None):
    count = int_param(queries, 1, 1, MAX_QUERIES)
    return [random_world() for _ in range(count)]


@api.get("/slow-db", response=WorldOut)
def slow_db(request, ms: str | None = None):
    sleep_ms = int_param(ms, 0, 0, MAX_SLEEP_MS)
    return World.objects.raw(SLOW_SQL, [sleep_ms / 1000, random.randint(1, ROWS)])[0]


@api.get("/updates", response=list[WorldOut])
def updates(request, queries: str | None = None):
    count = int_param(queries, 1, 1, MAX_QUERIES)
    # Distinct ids in ascending order: concurrent requests lock their rows in the
    # same order, so their writes never deadlock.
    ids = sorted(random.sample(range(1, ROWS + 1), count))
    # Each row loaded by a query of its own, as in /queries.
    worlds = [World.objects.get(id=world_id) for world_id in ids]
    for world in worlds:
        world.randomnumber = random.randint(1, ROWS)
    # One UPDATE for every row (bulk_update's CASE WHEN), in the transaction
    # bulk_update opens: one commit per request.
    World.objects.bulk_update(worlds, ["randomnumber"])
    return worlds


# A raw statement whose answer is no model row: Django's cursor.
@api.get("/db-cpu", response=DbCpuOut)
def db_cpu(request, work: str | None = None):
    count = int_param(work, 1, 1, MAX_WORK)
    with connection.cursor() as cursor:
        cursor.execute(DB_CPU_SQL, [count])
        (total,) = cursor.fetchone()
    return {"work": count, "sum": int(total)}


# The first rows of world in id order: one SELECT ... ORDER BY id LIMIT n.
@api.get("/big-result", response=list[WorldOut])
def big_result(request, rows: str | None = None):
    count = int_param(rows, 1, 1, ROWS)
    return list(World.objects.order_by("id")[:count])


# One increment per request in a transaction of its own: the F() expression
# makes it UPDATE ... SET counter = counter + 1, and the row, locked by the
# UPDATE until the commit, is read back in the same transaction.
@api.get("/hot-rows", response=HotRowOut)
def hot_rows(request, k: str | None = None):
    row_id = random.randint(1, int_param(k, 1, 1, MAX_HOT_ROWS))
    with transaction.atomic():
        HotRow.objects.filter(id=row_id).update(counter=F("counter") + 1)
        return HotRow.objects.get(id=row_id)


# HTML and plain text: a Ninja operation may return any Django response,
# which Ninja passes through untouched.
@api.get("/fortunes")
def fortunes(request):
    fortunes = list(Fortune.objects.all())
    fortunes.append(Fortune(id=0, message=ADDED_FORTUNE))
    fortunes.sort(key=lambda f: f.message)
    return render(request, "fortunes.html", {"fortunes": fortunes})


@api.get("/plaintext")
def plaintext(request):
    return HttpResponse(b"Hello, World!", content_type="text/plain")
