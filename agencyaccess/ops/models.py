from django.db import models


class WorkerHeartbeat(models.Model):
    """One worker process and when its loop last went round (ops/heartbeat.py)."""

    worker_id = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} at {self.beat_at}"
