from rest_framework import serializers

from .models import World


class WorldSerializer(serializers.ModelSerializer):
    randomNumber = serializers.IntegerField(source="randomnumber")

    class Meta:
        model = World
        fields = ["id", "randomNumber"]
