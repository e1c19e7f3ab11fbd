"""Online logical backup of the database (a consistent snapshot, not a file copy) and its restore."""

from __future__ import annotations

import base64
import json
import os
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, text

from ..errors import Code, Refused
from ..models import Base
from . import salvage as salvaging

FORMAT = "palier-backup/1"


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "$b64" in value:
        return base64.b64decode(value["$b64"])
    if isinstance(value, dict) and "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    return value


def dump(engine: Engine, path: Path) -> int:
    """Write every table from one consistent snapshot into a zip (mode 0600); return the number of rows."""
    rows, _health = _write(engine, path, salvage=False)
    return rows


def salvage(engine: Engine, path: Path) -> tuple[int, list[salvaging.TableHealth]]:
    """Like ``dump``, from a damaged database: every readable row is kept; the rest is said."""
    return _write(engine, path, salvage=True)


def _write(engine: Engine, path: Path, *, salvage: bool) -> tuple[int, list[salvaging.TableHealth]]:
    tmp = path.with_name(f".{path.name}.tmp")
    rows, report = 0, []
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # a backup holds personal data
    with os.fdopen(fd, "wb") as raw, engine.connect() as conn:
        if conn.dialect.name == "postgresql":  # one snapshot for every table, while the app writes
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin(), zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            if conn.dialect.name == "sqlite":
                # pysqlite does not open a transaction for reads: without this BEGIN each table
                # would be read at a different moment, and an award made meanwhile would point
                # at a learner missing from the backup.
                conn.exec_driver_sql("BEGIN")
            zf.writestr("FORMAT", FORMAT)
            for table in Base.metadata.sorted_tables:
                health = salvaging.TableHealth(table.name)
                found = (
                    salvaging.read_rows(conn, table, health)
                    if salvage
                    else conn.execute(select(table)).mappings()
                )
                lines = [
                    json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) for row in found
                ]
                rows += len(lines)
                report.append(health)
                zf.writestr(f"{table.name}.jsonl", "\n".join(lines))
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(tmp, path)
    return rows, report


def load(engine: Engine, path: Path) -> int:
    """Restore a backup into an empty database, in one transaction; return the number of rows."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise Refused(Code.NOT_A_BACKUP) from None
    with zf:
        if "FORMAT" not in zf.namelist() or zf.read("FORMAT").decode() != FORMAT:
            raise Refused(Code.BACKUP_FORMAT_UNKNOWN)
        rows = 0
        with engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                # A new database holds its first structure (the migration's): that alone is empty.
                if (
                    table.name != "structures"
                    and conn.execute(select(func.count()).select_from(table)).scalar()
                ):
                    raise Refused(Code.DATABASE_NOT_EMPTY)
            for table in Base.metadata.sorted_tables:
                name = f"{table.name}.jsonl"
                body = zf.read(name).decode() if name in zf.namelist() else ""
                records = [
                    {k: _decode(v) for k, v in json.loads(line).items()} for line in body.splitlines() if line
                ]
                if records and table.name == "structures":
                    conn.execute(table.delete())  # the backup's structures replace the new database's first
                if records:
                    conn.execute(insert(table), records)
                rows += len(records)
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn)
    return rows


def _reset_sequences(conn: Connection) -> None:
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement is not False and len(table.primary_key.columns) == 1:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
