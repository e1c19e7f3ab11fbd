"""Reading a tree file safely: size limit, safe YAML composition, node budget, then checks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor

from ._doc import Node, Report
from .checks import check_graph
from .errors import Problem, SkillTreeError
from .model import SkillTree
from .schema import read_tree

MAX_BYTES = 1024 * 1024  # a real tree is a few dozen kilobytes
MAX_NODES = 100_000  # counted with aliases expanded: stops "billion laughs"
MAX_DEPTH = 40  # nothing in the format nests deeper than about ten levels

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}

# PyYAML speaks English; these are the mistakes people really make, said in French.
_YAML_MESSAGES = (
    ("mapping values are not allowed", "deux-points « : » inattendu ; mettez le texte entre guillemets s'il contient « : »"),
    ("found character '\\t'", "tabulation interdite : indentez avec des espaces"),
    ("could not find expected ':'", "il manque « : » après une clé, ou un guillemet n'est pas refermé"),
    ("found undefined alias", "alias « * » inconnu : aucune ancre « & » de ce nom plus haut"),
    ("expected <block end>", "indentation incohérente : alignez les éléments du même niveau"),
    ("did not find expected '-'", "indentation incohérente dans une liste « - »"),
    ("did not find expected key", "indentation incohérente : une clé est mal alignée"),
    ("found unexpected end of stream", "fin de fichier inattendue : un guillemet ou un crochet n'est pas refermé"),
    ("expected a single document", "un seul document est attendu : retirez les séparateurs « --- » en trop"),
    ("found another document", "un seul document est attendu : retirez les séparateurs « --- » en trop"),
    ("found duplicate anchor", "ancre « & » définie deux fois"),
    ("unacceptable character", "caractère invalide (fichier binaire ou caractère de contrôle)"),
    ("expected ',' or ']'", "crochet « [ » non refermé, ou virgule manquante entre deux éléments"),
    ("expected ',' or '}'", "accolade « { » non refermée, ou virgule manquante entre deux éléments"),
    ("expected the node content", "une valeur est attendue ici (crochet ou accolade non refermé ?)"),
    ("found unknown escape character", "caractère « \\ » inattendu entre guillemets doubles : doublez-le ou utilisez des guillemets simples"),
    ("expected alphabetic or numeric character", "nom d'ancre ou d'alias invalide après « & » ou « * »"),
    ("found character '@'", "« @ » ne peut pas commencer une valeur : mettez-la entre guillemets"),
    ("found character '`'", "« ` » ne peut pas commencer une valeur : mettez-la entre guillemets"),
    ("found character '%'", "« % » ne peut pas commencer une valeur : mettez-la entre guillemets"),
)


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
    try:
        # compose() builds the node graph only: no Python object is ever constructed.
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        report.at(line, column, "erreur de syntaxe YAML : " + _french(exc.problem or exc.context or ""))
        return None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        report.at(line, None, "caractère invalide (fichier binaire ou caractère de contrôle)")
        return None
    except yaml.YAMLError as exc:
        report.add(None, "erreur de syntaxe YAML : " + _french(str(exc)))
        return None
    except RecursionError:
        report.add(None, "imbrication trop profonde")
        return None
    if node is None:
        report.add(None, "le fichier est vide")
        return None
    return _Walker(report).convert(node)


def _french(english: str) -> str:
    for needle, french in _YAML_MESSAGES:
        if needle in english:
            return french
    return f"structure illisible ({english.strip()})"


class _Walker:
    """Turns the YAML node graph into ``Node`` values, within a budget."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.budget = MAX_NODES
        self.constructor = SafeConstructor()
        self.active: set[int] = set()
        self.failed = False

    def convert(self, root: yaml.Node) -> Node | None:
        converted = self._node(root, 0)
        return None if self.failed else converted

    def _stop(self, node: yaml.Node, message: str) -> None:
        if not self.failed:
            self.report.add(_where(node), message)
        self.failed = True

    def _node(self, node: yaml.Node, depth: int) -> Node | None:
        self.budget -= 1
        if self.budget < 0:
            self._stop(node, f"trop d'éléments (plus de {MAX_NODES}) : alias « * » répétés ou fichier démesuré")
            return None
        if depth > MAX_DEPTH:
            self._stop(node, "imbrication trop profonde")
            return None
        if id(node) in self.active:
            self._stop(node, "alias récursif : une ancre « & » se contient elle-même")
            return None
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, line, column)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode) and node.tag == _CORE + "seq":
                items = tuple(self._node(item, depth + 1) for item in node.value)
                return None if self.failed else Node("seq", line, column, items)
            if isinstance(node, yaml.MappingNode) and node.tag == _CORE + "map":
                pairs = []
                for key, value in node.value:
                    if key.tag == _CORE + "merge":
                        self.report.add(_where(key), "la fusion « << » n'est pas acceptée : recopiez les champs")
                        continue
                    pairs.append((self._node(key, depth + 1), self._node(value, depth + 1)))
                return None if self.failed else Node("map", line, column, tuple(pairs))
            self._stop(node, _bad_tag(node.tag))
            return None
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode, line: int, column: int) -> Node | None:
        if node.tag not in _SCALAR_TAGS:
            self._stop(node, _bad_tag(node.tag))
            return None
        if node.tag in (_CORE + "str", _CORE + "timestamp"):
            return Node("scalar", line, column, node.value, node.value)
        try:
            value = self.constructor.construct_object(node)
        except (ValueError, TypeError, yaml.YAMLError):
            self._stop(node, f"valeur illisible : « {node.value} »")
            return None
        return Node("scalar", line, column, value, node.value)


def _bad_tag(tag: str) -> str:
    shown = tag.replace(_CORE, "!!")
    return f"étiquette YAML « {shown} » refusée : seules les données simples (texte, nombres, listes) sont acceptées"


def _where(node: yaml.Node) -> Node:
    mark = node.start_mark
    return Node("scalar", mark.line + 1, mark.column + 1, None)
