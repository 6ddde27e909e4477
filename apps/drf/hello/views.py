import random

from django.db import connection, transaction
from django.db.models import F
from django.http import HttpResponse
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Fortune, HotRow, World
from .serializers import HotRowSerializer, WorldSerializer

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


# A raw statement whose answer is no model row: Django's cursor.
class DbCpuView(APIView):
    def get(self, request):
        work = int_param(request, "work", 1, 1, MAX_WORK)
        with connection.cursor() as cursor:
            cursor.execute(DB_CPU_SQL, [work])
            (total,) = cursor.fetchone()
        return Response({"work": work, "sum": int(total)})


# The first rows of world in id order: one SELECT ... ORDER BY id LIMIT n.
class BigResultView(APIView):
    def get(self, request):
        count = int_param(request, "rows", 1, 1, ROWS)
        return Response(WorldSerializer(World.objects.order_by("id")[:count], many=True).data)


# One increment per request in a transaction of its own: the F() expression
# makes it UPDATE ... SET counter = counter + 1, and the row, locked by the
# UPDATE until the commit, is read back in the same transaction.
class HotRowsView(APIView):
    def get(self, request):
        k = int_param(request, "k", 1, 1, MAX_HOT_ROWS)
        row_id = random.randint(1, k)
        with transaction.atomic():
            HotRow.objects.filter(id=row_id).update(counter=F("counter") + 1)
            row = HotRow.objects.get(id=row_id)
        return Response(HotRowSerializer(row).data)


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
