"""Backups: one archive holding what an install cannot be rebuilt without, and its restore.

The archive (tar.gz, readable by its owner only: it holds the secret key and the platforms'
tokens, encrypted) holds:

- the database: SQLite's online backup of the file, consistent while the app runs
  (docs.python.org/3/library/sqlite3.html#sqlite3.Connection.backup), or PostgreSQL's
  `pg_dump --format=custom`;
- the secret key the data directory keeps when SECRET_KEY is not set: it keys the API keys'
  digests and the sessions, and the encryption of tokens at rest when ENCRYPTION_KEYS is not set;
- the uploads (MEDIA_ROOT: the agencies' logos);
- manifest.json: the format, the version, the database's vendor, when, the migrations applied.

SECRET_KEY and ENCRYPTION_KEYS set in the environment are not in the data directory, so not in
the archive: they are kept with the rest of the configuration (README, "Backups").
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from agencyaccess.accounts.models import Agency, User
from agencyaccess.lib.errors import ActionError

FORMAT = 1
MANIFEST = "manifest.json"
KEY_ENTRY = "secret_key"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def default_archive(now: Any = None) -> Path:
    """agencyaccess-backup-<time>.tar.gz in the current directory."""
    return Path(f"agencyaccess-backup-{(now or timezone.now()):%Y%m%d-%H%M%S}.tar.gz")


def create_backup(output: Path) -> Path:
    """Write the archive to `output` (replaced if it exists) and return its absolute path. It
    appears whole or not at all: written under another name, then renamed."""
    vendor = _vendor()
    output = output.absolute()
    if not output.parent.is_dir():
        raise ActionError(f"There is no directory {output.parent} to write the backup in.")
    partial = output.with_name(f".{output.name}.partial")
    with tempfile.TemporaryDirectory(prefix="agencyaccess-backup-") as work:
        database = Path(work) / DATABASE_FILES[vendor]
        _dump(vendor, database)
        secret_key = Path(settings.SECRET_KEY_FILE)
        manifest = {
            "format": FORMAT,
            "agencyaccess": version("agencyaccess"),
            "database": vendor,
            "created": timezone.now().isoformat(),
            "migrations": sorted(f"{app}.{name}" for app, name in _applied_migrations()),
            "secret_key": secret_key.is_file(),
        }
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # a partial file left by an earlier run keeps its own mode
        try:
            with os.fdopen(fd, "wb") as file, tarfile.open(fileobj=file, mode="w:gz") as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
                tar.add(database, DATABASE_FILES[vendor])
                if manifest["secret_key"]:
                    tar.add(secret_key, KEY_ENTRY)
                if Path(settings.MEDIA_ROOT).is_dir():
                    tar.add(settings.MEDIA_ROOT, MEDIA)
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return output


def restore_backup(archive: Path, *, replace: bool) -> None:
    """Bring back the database, the secret key and the uploads of `archive`. Refused, with
    nothing changed, for an archive of another database vendor or of a newer version, and for
    a database that holds data unless `replace`."""
    with _open(archive) as tar:
        manifest = _manifest(tar, archive)
        vendor = _vendor()
        if manifest["database"] != vendor:
            theirs, ours = VENDOR_NAMES[manifest["database"]], VENDOR_NAMES[vendor]
            raise ActionError(
                f"{archive} holds a {theirs} database and this install uses {ours}: "
                f"restore it where DATABASE_URL points to {theirs}."
            )
        members = _members(tar, vendor)
        if DATABASE_FILES[vendor] not in {member.name for member in members}:
            raise ActionError(f"{archive} holds no database: it is not a whole backup.")
        if unknown := set(manifest["migrations"]) - _known_migrations():
            raise ActionError(
                f"{archive} comes from a newer AgencyAccess ({manifest['agencyaccess']}; "
                f"migration {min(unknown)} is unknown here): restore it with that version."
            )
        if not replace and _holds_data():
            raise ActionError(
                "The database is not empty: the restore replaces everything in it. "
                "Run again with --yes to go ahead."
            )
        data_dir = Path(settings.DATA_DIR)
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Inside the data directory: the files are renamed into place, not copied.
        with tempfile.TemporaryDirectory(dir=data_dir, prefix=".restore-") as work:
            tar.extractall(work, members=members, filter="data")
            _restore_database(vendor, Path(work) / DATABASE_FILES[vendor])
            if manifest["secret_key"]:
                _put_file(Path(work) / KEY_ENTRY, Path(settings.SECRET_KEY_FILE))
            _put_media(Path(work) / MEDIA, Path(work) / "media-replaced")


# -- The database --------------------------------------------------------------------------------


def _vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise ActionError(f"Backups cover SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _applied_migrations() -> set[tuple[str, str]]:
    return set(MigrationRecorder(connection).applied_migrations())


def _known_migrations() -> set[str]:
    return {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}


def _holds_data() -> bool:
    """Whether the database holds anyone's data: users or agencies, off which clients, links
    and keys all hang. Rate-limit counters, caches and sessions are no one's data."""
    tables = set(connection.introspection.table_names())
    return any(
        model._meta.db_table in tables and model.objects.exists() for model in (User, Agency)
    )


def _dump(vendor: str, target: Path) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        _postgres_tool(
            "pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"
        )


def _restore_database(vendor: str, dump: Path) -> None:
    connections.close_all()  # ours would hold the old file open, or the tables
    if vendor == "sqlite":
        _restore_sqlite(dump, Path(connection.settings_dict["NAME"]))
    else:
        _postgres_tool(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        )


def _restore_sqlite(dump: Path, target: Path) -> None:
    """Replace the database file, once nothing has it open."""
    if target.exists():
        # Leaving WAL mode needs every other connection closed; it also folds the write-ahead
        # log into the file and deletes it, so no stale -wal is applied to the new file.
        probe = sqlite3.connect(target, timeout=0)
        try:
            mode = probe.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        except sqlite3.OperationalError:
            mode = "busy"
        finally:
            probe.close()
        if mode != "delete":
            raise ActionError(
                f"{target} is in use: stop the server and the worker, then restore again."
            )
    _put_file(dump, target)


# -- Files ---------------------------------------------------------------------------------------


def _put_file(source: Path, target: Path) -> None:
    """`source` in place of `target` in one rename, readable by its owner only."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    landing = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(source, landing)
    landing.chmod(0o600)
    os.replace(landing, target)


def _put_media(restored: Path, aside: Path) -> None:
    """The archive's uploads in place of the current ones (none, if the archive has none)."""
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.move(media, aside)
    if restored.is_dir():
        media.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.move(restored, media)


def _postgres_tool(name: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore on the database this install uses; the password goes through
    the environment, never the command line (which other users may read)."""
    program = shutil.which(name)
    if program is None:
        raise ActionError(
            f"{name} was not found on PATH: install PostgreSQL's client tools (on Debian and "
            f"Ubuntu, the postgresql-client package), of the server's version or newer."
        )
    database = connection.settings_dict
    environment = dict(os.environ)
    for variable, key in [
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ]:
        if database.get(key):
            environment[variable] = str(database[key])
    if sslmode := database.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = sslmode
    result = subprocess.run(
        [program, *arguments], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines() or [f"exit status {result.returncode}"]
        raise ActionError(f"{name} failed: {lines[-1]}")


# -- The archive ---------------------------------------------------------------------------------


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, BytesIO(content))


def _open(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError):
        raise ActionError(f"{archive} is not a backup made by `agencyaccess backup`.") from None


def _manifest(tar: tarfile.TarFile, archive: Path) -> dict[str, Any]:
    try:
        file = tar.extractfile(MANIFEST)
        manifest = json.load(file) if file else None
    except (KeyError, ValueError, tarfile.TarError):
        manifest = None
    if not (
        isinstance(manifest, dict)
        and manifest.get("format") == FORMAT
        and manifest.get("database") in DATABASE_FILES
        and isinstance(manifest.get("migrations"), list)
    ):
        raise ActionError(f"{archive} is not a backup made by `agencyaccess backup`.")
    return manifest


def _members(tar: tarfile.TarFile, vendor: str) -> list[tarfile.TarInfo]:
    """What a restore takes from the archive: its own entries, nothing else."""
    wanted = {DATABASE_FILES[vendor], KEY_ENTRY}
    return [
        member
        for member in tar.getmembers()
        if member.name in wanted or member.name == MEDIA or member.name.startswith(f"{MEDIA}/")
    ]
