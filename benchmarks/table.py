"""The figures of a run, printed as a table and then as one line of JSON."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

OK, MISS, ABSENT, FAILED = "ok", "manqué", "absent", "erreur"


@dataclass(frozen=True)
class Figure:
    """One line of the table: work measured against its limit, as a ratio with an aim."""

    key: str
    work: str
    ratio: float | None = None
    # "max": the ratio must stay at or below ``target`` (times); "min": at or above (throughput).
    bound: str = "max"
    target: float = 1.0
    measured: str = ""
    limit: str = ""
    status: str = ABSENT
    note: str = ""
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def aim(self) -> str:
        """The aim as written in the issue: « ≤ 1.15× » or « ≥ 0.9× »."""
        return f"{'≤' if self.bound == 'max' else '≥'} {self.target:g}×"


def judged(figure: Figure) -> Figure:
    """The figure with its status set from its ratio (absent and failed figures stay as they are)."""
    if figure.status in (ABSENT, FAILED) and figure.ratio is None:
        return figure
    ratio = figure.ratio
    if ratio is None or math.isnan(ratio):
        return _replace(figure, status=FAILED)
    ok = ratio <= figure.target if figure.bound == "max" else ratio >= figure.target
    return _replace(figure, status=OK if ok else MISS)


def _replace(figure: Figure, **changes: Any) -> Figure:
    data = asdict(figure)
    data.update(changes)
    return Figure(**data)


def absent(key: str, work: str, bound: str, target: float, note: str) -> Figure:
    """A figure that could not be measured in this checkout (never a made-up number)."""
    return Figure(key, work, bound=bound, target=target, status=ABSENT, note=note)


def failed(key: str, work: str, bound: str, target: float, error: BaseException) -> Figure:
    """A figure whose measurement broke: the reason is shown instead of a number."""
    message = f"{type(error).__name__}: {error}"
    return Figure(key, work, bound=bound, target=target, status=FAILED, note=message[:300])


COLUMNS = ("travail", "mesuré", "limite", "ratio", "objectif", "verdict")


def _row(figure: Figure) -> tuple[str, ...]:
    ratio = "—" if figure.ratio is None else f"{figure.ratio:.2f}×"
    return (figure.work, figure.measured or "—", figure.limit or "—", ratio, figure.aim, figure.status)


def format_table(figures: list[Figure]) -> str:
    """A plain-text table, one row per figure, notes listed below it."""
    rows = [COLUMNS] + [_row(f) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = []
    for index, row in enumerate(rows):
        lines.append(" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("-+-".join("-" * w for w in widths))
    notes = [f"  [{f.key}] {f.note}" for f in figures if f.note]
    if notes:
        lines += ["", "Notes :", *notes]
    return "\n".join(lines)


def as_json(figures: list[Figure], context: dict[str, Any]) -> str:
    """The same figures as one line of JSON, with the machine and versions they were taken on."""
    payload = {
        "context": context,
        "figures": {
            f.key: {
                "ratio": None if f.ratio is None else round(f.ratio, 4),
                "aim": f.aim,
                "status": f.status,
                "measured": f.measured,
                "limit": f.limit,
                "note": f.note,
                **f.values,
            }
            for f in figures
        },
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
