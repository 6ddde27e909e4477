import random

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from .models import Fortune, World

ROWS = 10_000
MAX_QUERIES = 500
MAX_SLEEP_MS = 10_000
# pg_sleep in the same statement, so the database itself is the slow part.
SLOW_SQL = "SELECT w.id, w.randomnumber FROM world w, pg_sleep(%s) WHERE w.id = %s"
ADDED_FORTUNE = "Additional fortune added at request time."


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


async def fortunes(request):
    fortunes = [f async for f in Fortune.objects.all()]
    fortunes.append(Fortune(id=0, message=ADDED_FORTUNE))
    fortunes.sort(key=lambda f: f.message)
    return render(request, "fortunes.html", {"fortunes": fortunes})


async def plaintext(request):
    return HttpResponse(b"Hello, World!", content_type="text/plain")
