"""The cahier figures (22 badges by default), from ``benchmarks/cahier.py`` when it exists."""

from __future__ import annotations

import importlib
from typing import Any

from .table import Figure, absent, failed, judged

TIME, MEMORY = "cahier_time", "cahier_memory"
TARGET = 1.3


def _works(n: int) -> tuple[str, str]:
    return (
        f"cahier PDF de {n} badges, palier cahier : temps",
        f"cahier PDF de {n} badges, palier cahier : mémoire de pointe",
    )


def run(n_badges: int = 22) -> list[Figure]:
    """Call ``benchmarks.cahier.run`` and turn its dict into two figures, or mark them absent."""
    time_work, memory_work = _works(n_badges)
    try:
        module = importlib.import_module(f"{__package__}.cahier")
    except ImportError as exc:
        note = f"benchmarks/cahier.py absent ou incomplet ({exc})"
        return [
            absent(TIME, time_work, "max", TARGET, note),
            absent(MEMORY, memory_work, "max", TARGET, note),
        ]
    try:
        figures = module.run(n_badges=n_badges)
    except Exception as exc:  # its failure is shown, not hidden behind a number
        return [failed(TIME, time_work, "max", TARGET, exc), failed(MEMORY, memory_work, "max", TARGET, exc)]
    return from_dict(figures, n_badges)


# How each measure is written: its format and unit.
_UNITS = {"seconds": (".2f", "s"), "peak_mib": (".0f", "Mio")}


def _against_reference(
    key: str, work: str, found: dict[str, Any], who: str, measure: str, target: float, **more: Any
) -> Figure:
    """The figure of ``who``'s measure judged against the same measure of the reference booklet."""
    measured, reference = found[f"{who}_{measure}"], found[f"reference_{measure}"]
    form, unit = _UNITS[measure]
    return judged(
        Figure(
            key,
            work,
            ratio=measured / reference,
            target=target,
            measured=f"{measured:{form}} {unit}",
            limit=f"{reference:{form}} {unit} (ref_booklet.py)",
            **more,
        )
    )


def from_dict(found: dict[str, Any], n_badges: int) -> list[Figure]:
    """Two figures (time, peak memory) from the dict the cahier benchmark returns."""
    time_work, memory_work = _works(n_badges)
    target = float(found.get("target_ratio", TARGET))
    pages = f"{found['pages']} pages, " if "pages" in found else ""
    out = []
    if "cahier_seconds" in found and "reference_seconds" in found:
        note = f"{pages}médiane de passes alternées (benchmarks/cahier.py)"
        out.append(
            _against_reference(
                TIME, time_work, found, "cahier", "seconds", target, note=note, values=dict(found)
            )
        )
    else:
        out.append(absent(TIME, time_work, "max", target, "benchmarks/cahier.py ne donne pas de temps"))
    if "cahier_peak_mib" in found and "reference_peak_mib" in found:
        peaks = {k: found[k] for k in ("cahier_peak_mib", "reference_peak_mib") if k in found}
        out.append(_against_reference(MEMORY, memory_work, found, "cahier", "peak_mib", target, values=peaks))
    else:
        out.append(absent(MEMORY, memory_work, "max", target, "benchmarks/cahier.py ne donne pas de mémoire"))
    for name, label in (("web", "requête web"),):
        if f"{name}_seconds" in found and f"{name}_peak_mib" in found:
            work = f"cahier PDF de {n_badges} badges, {label}"
            out.append(
                _against_reference(f"cahier_{name}_time", f"{work} : temps", found, name, "seconds", target)
            )
            memory = f"{work} : mémoire de pointe"
            out.append(_against_reference(f"cahier_{name}_memory", memory, found, name, "peak_mib", target))
    return out
