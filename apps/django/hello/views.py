import random

from django.db import connection, transaction
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

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


def int_param(request, name, default, low, high):
    try:
        value = int(request.GET[name])
    except (KeyError, ValueError):
        return default
    return min(max(value, low), high)


def as_json(world):
    return {"id": world.id, "randomNumber": world.randomnumber}


def json(request):
    return JsonResponse({"message": "Hello, World!"})


def db(request):
    world = World.objects.get(id=random.randint(1, ROWS))
    return JsonResponse(as_json(world))


def queries(request):
    count = int_param(request, "queries", 1, 1, MAX_QUERIES)
    worlds = [as_json(World.objects.get(id=random.randint(1, ROWS))) for _ in range(count)]
    return JsonResponse(worlds, safe=False)


def updates(request):
    count = int_param(request, "queries", 1, 1, MAX_QUERIES)
    # Distinct ids in ascending order: concurrent requests lock their rows in the
    # same order, so their writes never deadlock.
    ids = sorted(random.sample(range(1, ROWS + 1), count))
    # Each row loaded by a query of its own, as in /queries.
    worlds = [World.objects.get(id=world_id) for world_id in ids]
    for world in worlds:
        world.randomnumber = random.randint(1, ROWS)
    # One UPDATE ... SET randomnumber = CASE ... END WHERE id IN (...), which
    # bulk_update runs in a transaction of its own: one commit per request.
    World.objects.bulk_update(worlds, ["randomnumber"])
    return JsonResponse([as_json(world) for world in worlds], safe=False)


def slow_db(request):
    ms = int_param(request, "ms", 0, 0, MAX_SLEEP_MS)
    world = World.objects.raw(SLOW_SQL, [ms / 1000, random.randint(1, ROWS)])[0]
    return JsonResponse(as_json(world))


# A raw statement whose answer is no model row: Django's cursor.
def db_cpu(request):
    work = int_param(request, "work", 1, 1, MAX_WORK)
    with connection.cursor() as cursor:
        cursor.execute(DB_CPU_SQL, [work])
        (total,) = cursor.fetchone()
    return JsonResponse({"work": work, "sum": int(total)})


# The first rows of world in id order: one SELECT ... ORDER BY id LIMIT n.
def big_result(request):
    count = int_param(request, "rows", 1, 1, ROWS)
    return JsonResponse([as_json(world) for world in World.objects.order_by("id")[:count]], safe=False)


# One increment per request in a transaction of its own: the F() expression
# makes it UPDATE ... SET counter = counter + 1, and the row, locked by the
# UPDATE until the commit, is read back in the same transaction.
def hot_rows(request):
    k = int_param(request, "k", 1, 1, MAX_HOT_ROWS)
    row_id = random.randint(1, k)
    with transaction.atomic():
        HotRow.objects.filter(id=row_id).update(counter=F("counter") + 1)
        row = HotRow.objects.get(id=row_id)
    return JsonResponse({"id": row.id, "counter": row.counter})


# TechEmpower's fortunes: every row through the ORM, one more added in memory,
# sorted by message (code-point order, Python's), rendered by a Django template
# (autoescaped); render() answers text/html; charset=utf-8.
def fortunes(request):
    rows = list(Fortune.objects.all())
    rows.append(Fortune(id=0, message=ADDED_MESSAGE))
    rows.sort(key=lambda f: f.message)
    return render(request, "fortunes.html", {"fortunes": rows})


# TechEmpower's plaintext: 13 bytes as text/plain.
def plaintext(request):
    return HttpResponse("Hello, World!", content_type="text/plain")
