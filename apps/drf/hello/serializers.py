from rest_framework import serializers

from .models import HotRow, World


class WorldSerializer(serializers.ModelSerializer):
    randomNumber = serializers.IntegerField(source="randomnumber")

    class Meta:
        model = World
        fields = ["id", "randomNumber"]


class HotRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = HotRow
        fields = ["id", "counter"]
