import random

from asgiref.sync import sync_to_async
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
ADDED_FORTUNE = "Additional fortune added at request time."
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


async def random_world():
    return await World.objects.aget(id=random.randint(1, ROWS))


async def json(request):
    return JsonResponse({"message": "Hello, World!"})


async def db(request):
    return JsonResponse(as_json(await random_world()))


async def queries(request):
    count = int_param(request, "queries", 1, 1, MAX_QUERIES)
    worlds = [as_json(await random_world()) for _ in range(count)]
    return JsonResponse(worlds, safe=False)


async def slow_db(request):
    ms = int_param(request, "ms", 0, 0, MAX_SLEEP_MS)
    worlds = [w async for w in World.objects.raw(SLOW_SQL, [ms / 1000, random.randint(1, ROWS)])]
    return JsonResponse(as_json(worlds[0]))


async def updates(request):
    count = int_param(request, "queries", 1, 1, MAX_QUERIES)
    # Distinct ids in ascending order: concurrent requests lock their rows in the
    # same order, so their writes never deadlock.
    ids = sorted(random.sample(range(1, ROWS + 1), count))
    # Each row loaded by a query of its own, as in /queries.
    worlds = [await World.objects.aget(id=world_id) for world_id in ids]
    for world in worlds:
        world.randomnumber = random.randint(1, ROWS)
    # One UPDATE for every row (bulk_update's CASE WHEN), in the transaction
    # abulk_update opens: one commit per request.
    await World.objects.abulk_update(worlds, ["randomnumber"])
    return JsonResponse([as_json(w) for w in worlds], safe=False)


# Django has no async cursor and no async transaction.atomic: both run in a
# sync function through sync_to_async, as Django's docs say, on the same
# thread (thread_sensitive) and so the same connection as the async ORM's calls.
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


async def db_cpu(request):
    work = int_param(request, "work", 1, 1, MAX_WORK)
    return JsonResponse({"work": work, "sum": int(await db_sum(work))})


# The first rows of world in id order: one SELECT ... ORDER BY id LIMIT n.
async def big_result(request):
    count = int_param(request, "rows", 1, 1, ROWS)
    return JsonResponse([as_json(w) async for w in World.objects.order_by("id")[:count]], safe=False)


async def hot_rows(request):
    k = int_param(request, "k", 1, 1, MAX_HOT_ROWS)
    row = await increment(random.randint(1, k))
    return JsonResponse({"id": row.id, "counter": row.counter})


async def fortunes(request):
    fortunes = [f async for f in Fortune.objects.all()]
    fortunes.append(Fortune(id=0, message=ADDED_FORTUNE))
    fortunes.sort(key=lambda f: f.message)
    return render(request, "fortunes.html", {"fortunes": fortunes})


async def plaintext(request):
    return HttpResponse(b"Hello, World!", content_type="text/plain")
