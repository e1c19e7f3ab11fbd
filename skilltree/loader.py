"""Reading a tree file safely: size limit, YAML events turned into nodes within a budget, then checks."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver
from yaml.tokens import Token

from ._doc import Node, Report
from ._messages import MAX_DEPTH, NOT_PRINTABLE, ONE_DOCUMENT, PREFIX, TOO_DEEP, describe, unreadable
from .checks import check_graph
from .errors import Problem, SkillTreeError
from .model import SkillTree
from .schema import read_tree

MAX_BYTES = 1024 * 1024  # a real tree is a few dozen kilobytes
MAX_NODES = 250_000  # counted with aliases expanded (by arithmetic, never by copying): stops "billion laughs"

# libyaml when installed (ten times faster); only its event stream is used, never its constructor.
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


def load_tree(path: str | Path) -> SkillTree:
    """Read and check a tree file; raise ``SkillTreeError`` listing every problem."""
    path = Path(path)
    data, name = _read_file(path), str(path)
    return _build(data, name, path.parent, path.resolve())


def load_tree_with_local(path: str | Path, local: str | Path) -> SkillTree:
    """The network's tree file plus a structure's local branches (a file with ``branches`` and ``skills``).

    The local skills may build on the network's; ids must not repeat. Problems name the file they are in.
    """
    network, extra = Path(path), Path(local)
    data = _read_file(network)
    more = _read_file(extra)
    report, local_report = Report(str(network)), Report(str(extra))
    root, local_root = _compose(data, report), _compose(more, local_report)
    if root is not None and local_root is not None:
        merged = _with_local(root, local_root, local_report)
        if merged is not None and not local_report.problems:
            # Lines below are those of each file; a problem found once merged names both files.
            both = Report(f"{network} + {extra}")
            parts = read_tree(merged, both, network.parent)
            if parts is not None:
                check_graph(parts, both)
                if not both.problems and not report.problems:
                    return SkillTree(
                        name=parts.name,
                        description=parts.description,
                        branches=tuple(parts.branches),
                        skills=tuple(d.skill for d in parts.skills if d.skill is not None),
                        source=network.resolve(),
                        digest=hashlib.sha256(data + b"\0" + more).hexdigest(),
                    )
            report.problems.extend(both.problems)
    problems = report.sorted() + local_report.sorted()
    raise SkillTreeError(problems or [Problem(str(extra), None, None, "arbre illisible")])


LOCAL_KEYS = ("version", "branches", "skills")


def _with_local(root: Node, local: Node, report: Report) -> Node | None:
    """The network's document with the local file's branches and skills appended to its own."""
    if root.kind != "map":
        return root  # read_tree says what is wrong with it
    if local.kind != "map":
        report.add(local, "Le fichier local doit contenir des lignes « clé: valeur » : branches, skills.")
        return None
    extra: dict[str, tuple[Node, ...]] = {"branches": (), "skills": ()}
    for key, value in local.pairs:
        name = key.value if key.kind == "scalar" else None
        if name not in LOCAL_KEYS:
            report.add(
                key,
                f"clé inconnue dans un fichier de branches locales : {key.text or name!r} (branches, skills)",
            )
            continue
        if name == "version":
            continue
        if value.kind != "seq":
            report.add(value, f"« {name} » doit être une liste")
            continue
        extra[str(name)] = value.items
    pairs = []
    for key, value in root.pairs:
        name = key.value if key.kind == "scalar" else None
        if name in extra and value.kind == "seq":
            value = replace(
                value, value=value.items + extra[str(name)], weight=value.weight + len(extra[str(name)])
            )
        pairs.append((key, value))
    return replace(root, value=tuple(pairs))


def _read_file(path: Path) -> bytes:
    name = str(path)
    try:
        if not path.is_file():
            reason = "c'est un dossier, pas un fichier" if path.is_dir() else "fichier introuvable"
            raise SkillTreeError([Problem(name, None, None, reason)])
        if path.stat().st_size > MAX_BYTES:
            raise SkillTreeError([Problem(name, None, None, _too_big())])
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SkillTreeError(
            [Problem(name, None, None, f"lecture impossible ({exc.strerror or exc})")]
        ) from None


def parse_tree(text: str, filename: str = "<texte>", base_dir: str | Path | None = None) -> SkillTree:
    """Check a tree given as text; images resolve from ``base_dir`` (default: current folder)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise SkillTreeError(
            [Problem(filename, None, None, "texte illisible (caractères invalides)")]
        ) from None
    return _build(data, filename, Path(base_dir) if base_dir is not None else Path.cwd(), None)


def _too_big() -> str:
    return f"fichier trop gros (plus de {MAX_BYTES // 1024} Kio) : un arbre de compétences tient en quelques dizaines de Kio"


def _build(data: bytes, name: str, base_dir: Path, source: Path | None) -> SkillTree:
    report = Report(name)
    root = _compose(data, report)
    if root is not None:
        parts = read_tree(root, report, base_dir)
        if parts is not None:
            check_graph(parts, report)
            if not report.problems:
                return SkillTree(
                    name=parts.name,
                    description=parts.description,
                    branches=tuple(parts.branches),
                    skills=tuple(d.skill for d in parts.skills if d.skill is not None),
                    source=source,
                    digest=hashlib.sha256(data).hexdigest(),
                )
    if not report.problems:  # defensive: a tree is never silently dropped
        report.add(None, "arbre illisible")
    raise SkillTreeError(report.sorted())


def _compose(data: bytes, report: Report) -> Node | None:
    """Bytes to position-carrying nodes, refusing anything but plain YAML data."""
    if len(data) > MAX_BYTES:
        report.add(None, _too_big())
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.at(line, None, "le fichier n'est pas du texte UTF-8 (enregistrez-le en UTF-8)")
        return None
    bad = NOT_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        report.at(
            line,
            bad.start() - text.rfind("\n", 0, bad.start()),
            "caractère invalide (fichier binaire ou caractère de contrôle)",
        )
        return None
    return _read(text, report)


def _read(text: str, report: Report) -> Node | None:
    """Parser events to nodes: libyaml for speed when it is there, PyYAML's own parser for every error.

    A file libyaml refuses is read again by the pure-Python parser, whose error is then described in
    French from its shape (``_messages.describe``): what libyaml says, in its words, at its position and
    with its own limits (a nesting depth that changes between releases, for one), is never shown.
    """
    if _PARSER is not yaml.SafeLoader:
        fast = Report(report.filename)
        try:
            root = _Composer(fast).run(_events(_PARSER(text)))
        except yaml.YAMLError:
            pass
        else:
            report.problems.extend(fast.problems)
            return root
    loader = yaml.SafeLoader(text)
    try:
        return _Composer(report).run(_events(loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        token, depth = _situation(loader)
        report.at(line, column, describe(exc, text, token, depth))
    except yaml.YAMLError:  # unmarked (a reader error: the checks above leave none that PyYAML knows of)
        report.add(None, unreadable(None))
    return None


def _events(loader: Any) -> Iterator[yaml.Event]:
    """The events of one parse, pulled one at a time: nothing is read past where the composer stops."""
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


def _situation(loader: yaml.SafeLoader) -> tuple[Token | None, int]:
    """The token the parser stopped on, and how many collections the scanner had open then."""
    depth = max(loader.flow_level, 0) + len(loader.indents)
    try:
        token = loader.peek_token()
    except yaml.YAMLError:
        token = None
    return token, depth


class _Open:
    """A sequence or mapping whose end event has not come yet."""

    def __init__(self, kind: str, event: yaml.CollectionStartEvent) -> None:
        self.kind, self.anchor = kind, event.anchor
        self.line, self.column = _position(event)
        self.items: list[Node] = []
        self.weight = 1


class _Composer:
    """Builds ``Node`` values from parser events, in a loop (no recursion), within a node budget."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.budget = MAX_NODES
        self.anchors: dict[str, Node] = {}
        self.resolver = Resolver()
        self.constructor = SafeConstructor()

    def run(self, events: Iterable[yaml.Event]) -> Node | None:
        stack: list[_Open] = []
        root: Node | None = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self._stop(event, ONE_DOCUMENT)
                    return None
                continue
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                kind = "seq" if isinstance(event, yaml.SequenceStartEvent) else "map"
                if event.tag not in (None, "!", _CORE + kind):
                    self._stop(event, _bad_tag(event.tag))
                    return None
                if len(stack) >= MAX_DEPTH:
                    self._stop(event, TOO_DEEP)
                    return None
                stack.append(_Open(kind, event))
                continue
            if isinstance(event, yaml.ScalarEvent):
                node = self._scalar(event)
            elif isinstance(event, yaml.AliasEvent):
                node = self._alias(event, stack)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                node = self._close(stack.pop())
            else:
                continue
            if node is None:
                return None
            # A new node costs one; an alias costs everything it repeats (children were paid for already).
            self.budget -= node.weight if isinstance(event, yaml.AliasEvent) else 1
            if self.budget < 0:
                self._stop(
                    event, f"trop d'éléments (plus de {MAX_NODES}) : alias « * » répétés ou fichier démesuré"
                )
                return None
            if stack:
                stack[-1].items.append(node)
                stack[-1].weight += node.weight
            else:
                root = node
        if root is None:
            self.report.add(None, "le fichier est vide")
        return root

    def _stop(self, event: yaml.Event, message: str) -> None:
        """Report ``message`` where ``event`` starts; the caller then stops reading."""
        self.report.at(*_position(event), message)

    def _close(self, done: _Open) -> Node | None:
        if done.kind == "seq":
            node = Node("seq", done.line, done.column, tuple(done.items), weight=done.weight)
        else:
            keys, values = done.items[0::2], done.items[1::2]
            for key in keys:
                if key.kind == "scalar" and key.text == "<<" and key.plain:
                    self.report.add(key, "la fusion « << » n'est pas acceptée : recopiez les champs")
            pairs = tuple(
                (k, v) for k, v in zip(keys, values, strict=False) if not (k.plain and k.text == "<<")
            )
            node = Node("map", done.line, done.column, pairs, weight=done.weight)
        if done.anchor is not None:
            self.anchors[done.anchor] = node
        return node

    def _alias(self, event: yaml.AliasEvent, stack: list[_Open]) -> Node | None:
        if any(item.anchor == event.anchor for item in stack):
            self._stop(event, "alias récursif : une ancre « & » se contient elle-même")
            return None
        if event.anchor not in self.anchors:
            self._stop(
                event, PREFIX + f"alias « *{event.anchor} » inconnu : aucune ancre « & » de ce nom plus haut"
            )
            return None
        return self.anchors[event.anchor]  # shared, and its weight counted again against the budget

    def _scalar(self, event: yaml.ScalarEvent) -> Node | None:
        line, column = _position(event)
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        plain = not event.style  # None from PyYAML, "" from libyaml
        if tag == _CORE + "merge" and plain:  # « << »: kept as text, refused where its mapping closes
            tag = _CORE + "str"
        if tag not in _SCALAR_TAGS:
            self._stop(event, _bad_tag(tag))
            return None
        if NOT_PRINTABLE.search(event.value):
            # Refused raw by the reader, but double-quoted escapes ("\x01", "\ud800") still make them,
            # and SVG emblems (XML) and badge documents (UTF-8) cannot carry them.
            self._stop(event, "caractère de contrôle ou invalide écrit avec « \\ » : retirez-le")
            return None
        if tag in (_CORE + "str", _CORE + "timestamp"):
            node = Node("scalar", line, column, event.value, event.value, plain=plain)
        else:
            try:
                value = self.constructor.construct_object(yaml.ScalarNode(tag, event.value))
            except (ValueError, TypeError, yaml.YAMLError):
                self._stop(event, f"valeur illisible : « {event.value} »")
                return None
            node = Node("scalar", line, column, value, event.value, plain=plain)
        if event.anchor is not None:
            self.anchors[event.anchor] = node
        return node


def _position(event: yaml.Event) -> tuple[int, int]:
    """The 1-based line and column where an event starts."""
    mark = event.start_mark
    if mark is None:  # both parsers mark every event; the start of the file rather than a crash
        return 1, 1
    return mark.line + 1, mark.column + 1


def _bad_tag(tag: str) -> str:
    shown = tag.replace(_CORE, "!!")
    return f"étiquette YAML « {shown} » refusée : seules les données simples (texte, nombres, listes) sont acceptées"
