"""The Meta sandbox: a local fake of Meta's OAuth and APIs, mounted at /sandbox/meta/."""

urlpatterns: list = []
