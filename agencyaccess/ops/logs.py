"""LOG_FORMAT=json: one JSON object a line, for a log collector (settings.LOGGING).

An entry has the time (UTC, ISO 8601), the level, the logger's name, the message and, when
there is one, the exception with its traceback. Nothing else of the record is written: the
`extra` some callers attach (Django's request, for one) can hold cookies and headers.
"""

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # json.dumps escapes line breaks: a traceback stays on its entry's line.
        return json.dumps(entry, ensure_ascii=False, default=str)
