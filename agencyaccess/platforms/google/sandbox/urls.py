"""The Google sandbox: a local fake of Google's OAuth and APIs, mounted at /sandbox/google/."""

urlpatterns: list = []
