import random

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from .models import Fortune, World

ROWS = 10_000
MAX_QUERIES = 500
MAX_SLEEP_MS = 10_000
# pg_sleep in the same statement, so the database itself is the slow part.
SLOW_SQL = "SELECT w.id, w.randomnumber FROM world w, pg_sleep(%s) WHERE w.id = %s"
ADDED_MESSAGE = "Additional fortune added at request time."


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
