"""Online logical backup of the database (a consistent snapshot, not a file copy) and its restore."""

from __future__ import annotations

import base64
import json
import os
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from ..errors import Code, Refused
from ..models import Base

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
    """Write every table from one consistent snapshot into a zip; return the number of rows."""
    tmp = path.with_name(f".{path.name}.tmp")
    rows = 0
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":  # one snapshot for every table, while the app writes
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin(), zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            if conn.dialect.name == "sqlite":
                # pysqlite does not open a transaction for reads: without this BEGIN each table
                # would be read at a different moment, and an award made meanwhile would point
                # at a learner missing from the backup.
                conn.exec_driver_sql("BEGIN")
            zf.writestr("FORMAT", FORMAT)
            for table in Base.metadata.sorted_tables:
                lines = []
                for row in conn.execute(select(table)).mappings():
                    lines.append(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False))
                rows += len(lines)
                zf.writestr(f"{table.name}.jsonl", "\n".join(lines))
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return rows


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
                if conn.execute(select(func.count()).select_from(table)).scalar():
                    raise Refused(Code.DATABASE_NOT_EMPTY)
            for table in Base.metadata.sorted_tables:
                name = f"{table.name}.jsonl"
                body = zf.read(name).decode() if name in zf.namelist() else ""
                records = [
                    {k: _decode(v) for k, v in json.loads(line).items()} for line in body.splitlines() if line
                ]
                if records:
                    conn.execute(insert(table), records)
                rows += len(records)
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn)
    return rows


def _reset_sequences(conn) -> None:
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement is not False and len(table.primary_key.columns) == 1:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
