from django.db import models


class World(models.Model):
    id = models.IntegerField(primary_key=True)
    randomnumber = models.IntegerField()

    class Meta:
        db_table = "world"
        managed = False


class Fortune(models.Model):
    id = models.IntegerField(primary_key=True)
    message = models.TextField()

    class Meta:
        db_table = "fortune"
        managed = False


# hot-rows' table: a counter per id that requests increment (the harness creates it).
class HotRow(models.Model):
    id = models.IntegerField(primary_key=True)
    counter = models.BigIntegerField()

    class Meta:
        db_table = "hotrow"
        managed = False
