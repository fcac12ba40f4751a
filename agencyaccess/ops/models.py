from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """The last time one lane of a running worker finished a pass (agencyaccess/worker.py,
    ops/heartbeat.py): readiness and the metrics read how long ago that was.

    A lane beats at most every BEAT_EVERY (10) seconds while it is well; a lane waiting on a
    hung server (SMTP, a platform's API) or on the database stops beating until it carries on. A
    worker that stops cleanly deletes its rows; those of a worker that was killed are deleted
    when a worker starts, once they are a day old.
    """

    worker_id = models.CharField(max_length=64)
    lane = models.CharField(max_length=30)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started = models.DateTimeField(default=timezone.now)
    beat = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker_id", "lane"], name="one_heartbeat_per_lane")
        ]

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} {self.lane} at {self.beat:%H:%M:%S}"
