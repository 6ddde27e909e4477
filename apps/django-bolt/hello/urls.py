# Bolt serves the API from hello/api.py; Django needs a URLconf all the same.
urlpatterns = []
