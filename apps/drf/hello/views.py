import random

from django.http import HttpResponse
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Fortune, World
from .serializers import WorldSerializer

ROWS = 10_000
MAX_QUERIES = 500
MAX_SLEEP_MS = 10_000
# pg_sleep in the same statement, so the database itself is the slow part.
SLOW_SQL = "SELECT w.id, w.randomnumber FROM world w, pg_sleep(%s) WHERE w.id = %s"
ADDED_MESSAGE = "Additional fortune added at request time."


def int_param(request, name, default, low, high):
    try:
        value = int(request.query_params[name])
    except (KeyError, ValueError):
        return default
    return min(max(value, low), high)


def random_world():
    return World.objects.get(id=random.randint(1, ROWS))


class JsonView(APIView):
    def get(self, request):
        return Response({"message": "Hello, World!"})


class DbView(APIView):
    def get(self, request):
        return Response(WorldSerializer(random_world()).data)


class QueriesView(APIView):
    def get(self, request):
        count = int_param(request, "queries", 1, 1, MAX_QUERIES)
        worlds = [random_world() for _ in range(count)]
        return Response(WorldSerializer(worlds, many=True).data)


class UpdatesView(APIView):
    def get(self, request):
        count = int_param(request, "queries", 1, 1, MAX_QUERIES)
        # Distinct ids in ascending order: concurrent requests lock their rows
        # in the same order, so their writes never deadlock.
        ids = sorted(random.sample(range(1, ROWS + 1), count))
        # Each row loaded by a query of its own, as in /queries.
        worlds = [World.objects.get(id=world_id) for world_id in ids]
        for world in worlds:
            world.randomnumber = random.randint(1, ROWS)
        # One UPDATE ... SET randomnumber = CASE ... END WHERE id IN (...), which
        # bulk_update runs in a transaction of its own: one commit per request.
        World.objects.bulk_update(worlds, ["randomnumber"])
        return Response(WorldSerializer(worlds, many=True).data)


class SlowDbView(APIView):
    def get(self, request):
        ms = int_param(request, "ms", 0, 0, MAX_SLEEP_MS)
        world = World.objects.raw(SLOW_SQL, [ms / 1000, random.randint(1, ROWS)])[0]
        return Response(WorldSerializer(world).data)


# TechEmpower's fortunes: every row through the ORM, one more added in memory,
# sorted by message (code-point order, Python's), rendered by DRF's
# TemplateHTMLRenderer with a Django template (autoescaped): text/html; charset=utf-8.
class FortunesView(APIView):
    renderer_classes = [TemplateHTMLRenderer]

    def get(self, request):
        rows = list(Fortune.objects.all())
        rows.append(Fortune(id=0, message=ADDED_MESSAGE))
        rows.sort(key=lambda f: f.message)
        return Response({"fortunes": rows}, template_name="fortunes.html")


# TechEmpower's plaintext: DRF ships no plain-text renderer, so the view returns
# Django's HttpResponse, which an APIView passes through: 13 bytes as text/plain.
class PlaintextView(APIView):
    def get(self, request):
        return HttpResponse("Hello, World!", content_type="text/plain")
