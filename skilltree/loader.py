"""Reading a tree file safely: size limit, YAML events turned into nodes within a budget, then checks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from ._doc import Node, Report
from ._messages import NOT_PRINTABLE, french
from .checks import check_graph
from .errors import Problem, SkillTreeError
from .model import SkillTree
from .schema import read_tree

MAX_BYTES = 1024 * 1024  # a real tree is a few dozen kilobytes
MAX_NODES = 250_000  # counted with aliases expanded (by arithmetic, never by copying): stops "billion laughs"
MAX_DEPTH = 40  # nothing in the format nests deeper than about ten levels

# libyaml when installed (ten times faster); only its event stream is used, never its constructor.
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


def load_tree(path: str | Path) -> SkillTree:
    """Read and check a tree file; raise ``SkillTreeError`` listing every problem."""
    path = Path(path)
    name = str(path)
    try:
        if not path.is_file():
            reason = "c'est un dossier, pas un fichier" if path.is_dir() else "fichier introuvable"
            raise SkillTreeError([Problem(name, None, None, reason)])
        if path.stat().st_size > MAX_BYTES:
            raise SkillTreeError([Problem(name, None, None, _too_big())])
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SkillTreeError([Problem(name, None, None, f"lecture impossible ({exc.strerror or exc})")]) from None
    return _build(data, name, path.parent, path.resolve())


def parse_tree(text: str, filename: str = "<texte>", base_dir: str | Path | None = None) -> SkillTree:
    """Check a tree given as text; images resolve from ``base_dir`` (default: current folder)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise SkillTreeError([Problem(filename, None, None, "texte illisible (caractères invalides)")]) from None
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
        report.at(line, bad.start() - text.rfind("\n", 0, bad.start()), "caractère invalide (fichier binaire ou caractère de contrôle)")
        return None
    try:
        return _Composer(report).run(yaml.parse(text, Loader=_PARSER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        report.at(line, column, "erreur de syntaxe YAML : " + french(exc.problem or exc.context or "", _char_at(text, mark)))
    except yaml.YAMLError as exc:
        report.add(None, "erreur de syntaxe YAML : " + french(str(exc)))
    return None


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.split("\n", mark.line + 1)
    return lines[mark.line][mark.column:mark.column + 1] if mark.line < len(lines) else ""


class _Open:
    """A sequence or mapping whose end event has not come yet."""

    def __init__(self, kind: str, event: yaml.Event) -> None:
        self.kind, self.anchor = kind, event.anchor
        self.line, self.column = event.start_mark.line + 1, event.start_mark.column + 1
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

    def run(self, events) -> Node | None:  # noqa: ANN001 - PyYAML's event iterator
        stack: list[_Open] = []
        root: Node | None = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return self._stop(event, "erreur de syntaxe YAML : un seul document est attendu : retirez les séparateurs « --- » en trop")
                continue
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                kind = "seq" if isinstance(event, yaml.SequenceStartEvent) else "map"
                if event.tag not in (None, "!", _CORE + kind):
                    return self._stop(event, _bad_tag(event.tag))
                if len(stack) >= MAX_DEPTH:
                    return self._stop(event, "imbrication trop profonde")
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
                return self._stop(event, f"trop d'éléments (plus de {MAX_NODES}) : alias « * » répétés ou fichier démesuré")
            if stack:
                stack[-1].items.append(node)
                stack[-1].weight += node.weight
            else:
                root = node
        if root is None:
            self.report.add(None, "le fichier est vide")
        return root

    def _stop(self, event: yaml.Event, message: str) -> None:
        self.report.at(event.start_mark.line + 1, event.start_mark.column + 1, message)
        return None

    def _close(self, done: _Open) -> Node | None:
        if done.kind == "seq":
            node = Node("seq", done.line, done.column, tuple(done.items), weight=done.weight)
        else:
            keys, values = done.items[0::2], done.items[1::2]
            for key in keys:
                if key.kind == "scalar" and key.text == "<<" and key.plain:
                    self.report.add(key, "la fusion « << » n'est pas acceptée : recopiez les champs")
            pairs = tuple((k, v) for k, v in zip(keys, values) if not (k.plain and k.text == "<<"))
            node = Node("map", done.line, done.column, pairs, weight=done.weight)
        if done.anchor is not None:
            self.anchors[done.anchor] = node
        return node

    def _alias(self, event: yaml.AliasEvent, stack: list[_Open]) -> Node | None:
        if any(item.anchor == event.anchor for item in stack):
            return self._stop(event, "alias récursif : une ancre « & » se contient elle-même")
        if event.anchor not in self.anchors:
            return self._stop(event, f"erreur de syntaxe YAML : alias « *{event.anchor} » inconnu : aucune ancre « & » de ce nom plus haut")
        return self.anchors[event.anchor]  # shared, and its weight counted again against the budget

    def _scalar(self, event: yaml.ScalarEvent) -> Node | None:
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        plain = not event.style  # None from PyYAML, "" from libyaml
        if tag == _CORE + "merge" and plain:  # « << »: kept as text, refused where its mapping closes
            tag = _CORE + "str"
        if tag not in _SCALAR_TAGS:
            return self._stop(event, _bad_tag(tag))
        if NOT_PRINTABLE.search(event.value):
            # Refused raw by the reader, but double-quoted escapes ("\x01", "\ud800") still make them,
            # and SVG emblems (XML) and badge documents (UTF-8) cannot carry them.
            return self._stop(event, "caractère de contrôle ou invalide écrit avec « \\ » : retirez-le")
        if tag in (_CORE + "str", _CORE + "timestamp"):
            node = Node("scalar", line, column, event.value, event.value, plain=plain)
        else:
            try:
                value = self.constructor.construct_object(yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark))
            except (ValueError, TypeError, yaml.YAMLError):
                return self._stop(event, f"valeur illisible : « {event.value} »")
            node = Node("scalar", line, column, value, event.value, plain=plain)
        if event.anchor is not None:
            self.anchors[event.anchor] = node
        return node


def _bad_tag(tag: str) -> str:
    shown = tag.replace(_CORE, "!!")
    return f"étiquette YAML « {shown} » refusée : seules les données simples (texte, nombres, listes) sont acceptées"
