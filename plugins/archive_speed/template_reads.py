"""What a Jinja template reads from its context, found by reading the template, not running it.

A page only needs re-rendering when something its template reads has changed. `template_reads`
parses a template and every template it extends, includes or imports, and records for each
context name a `Use`: the attributes read from it (`article.desk_older.title` reads `title` of
`desk_older` of `article`), the loop names its items are read under (`{% for desk in
front_desks %}`), the macro parameters it is passed to (`story_list(article.related)`), whether
only its truth is tested (`{% if article.modified %}`), only its items counted (`stories|length`,
and the items of a slice `desk.stories[:5]`, read as the whole list's), or whether it is used
whole (printed, filtered, assigned). Anything it cannot follow — a template chosen at render
time, a custom filter that reads the whole context — makes the template `opaque`: its pages
always render.
Names are merged across scopes (a loop variable and a context value of the same name share one
Use), which can only make a fingerprint cover more, never less.

Parsing the theme's templates for their reads took about 0.1 CPU s of every build. `KeptReads`
keeps each template's reads across builds with the names of the templates involved, in the order
their sources were hashed: the reads follow from those sources alone (the Jinja version, the
filters the settings and plugins give and this code are in the cache guard's key), so they are
used again while hashing the same templates' sources now gives the same digest — the same
sources name the same templates in the same order.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, TemplateNotFound, meta, nodes
from jinja2.utils import _PassArg

from archive_format import write_atomic

logger = logging.getLogger(__name__)


# The loop name under which every item of a list is counted without being read: the items of a
# slice (`desk.stories[:5]`), a list whose `length` is shown. No template can name a variable so.
COUNTED_ITEMS = "(counted items)"
# The loop name under which the items of a list indexed by a number (`stories[-1].date`) are
# read: every item as any indexed item is, which covers the one indexed and where it sits.
INDEXED_ITEMS = "(indexed items)"
# Filters that read only how many items a value has.
COUNTING_FILTERS = frozenset({"length", "count"})
# Filters that give the same items in another order: iterated, they read what a loop reads
# (and `sort` the attribute it sorts by).
ORDERING_FILTERS = frozenset({"sort", "reverse", "list"})


# A slice bound known before rendering: absent (None), a whole number written in the template,
# or the name of a context value no template binds locally (read from the page's context).
Bound = int | str | None
# Names Jinja binds inside templates without an assignment.
IMPLICIT_LOCALS = frozenset({"loop", "caller", "varargs", "kwargs", "self", "super"})


@dataclass
class Use:
    """How a value is read: whole, for its truth, by attribute, item by item, or as a macro argument."""

    whole: bool = False
    truth: bool = False
    attrs: dict[str, Use] = field(default_factory=dict)
    loops: set[str] = field(default_factory=set)  # its items are read as these loop names
    unpacks: set[tuple[str, ...]] = field(default_factory=set)  # its items unpacked into these names
    aliases: set[str] = field(default_factory=set)  # it is read as these macro parameters
    # Slices of it with bounds known before rendering (see `Bound`), each read as its own value.
    slices: dict[tuple[Bound, Bound, Bound], Use] = field(default_factory=dict)

    def attr(self, name: str) -> Use:
        return self.attrs.setdefault(name, Use())


@dataclass
class TemplateReads:
    """The context reads of one template together with everything it pulls in.

    `uses[name]` says how the template reads context value `name` (and loop names and macro
    parameters, which uses refer to); `source_digest` covers the text of every template
    involved; `opaque` says the reads could not be followed.
    """

    uses: dict[str, Use] = field(default_factory=dict)
    source_digest: bytes = b""
    opaque: bool = False
    # Context names some slice takes a bound from (their values are part of a slice's reading).
    bound_names: set[str] = field(default_factory=set)
    # Every template involved, in the order `source_digest` hashed their sources.
    templates: tuple[str, ...] = ()

    def names(self) -> set[str]:
        """Every name the templates read (context names among them)."""
        return set(self.uses)

    def use(self, name: str) -> Use:
        return self.uses.setdefault(name, Use())


def _is_custom_context_reader(function: object) -> bool:
    """A filter, test or global that receives the whole render context and is not Jinja's own."""
    passes_context = getattr(function, "jinja_pass_arg", None) is _PassArg.context
    return passes_context and not getattr(function, "__module__", "").startswith("jinja2")


def _index(node: nodes.Node) -> bool:
    """Whether `node` is a whole number written in the template (`0`, `-1`)."""
    if isinstance(node, nodes.Neg):
        node = node.node
    return isinstance(node, nodes.Const) and type(node.value) is int


def _chain(node: nodes.Node) -> tuple[str, list[str | None], bool] | None:
    """`name.a.b` (or `name['a']`) as ("name", ["a", "b"], False), with None for an item taken
    by number (`name.a[-1].b`: ["a", None, "b"]); a slice of one, `name.a[:n]`, as ("name",
    ["a"], True); None for any other expression."""
    attrs: list[str | None] = []
    sliced = False
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Slice):
        sliced = True
        node = node.node
    while True:
        if isinstance(node, nodes.Getattr):
            attrs.append(node.attr)
            node = node.node
        elif (isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const)
              and isinstance(node.arg.value, str)):
            attrs.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Getitem) and _index(node.arg):
            attrs.append(None)
            node = node.node
        elif isinstance(node, nodes.Name) and node.ctx == "load":
            return node.name, attrs[::-1], sliced
        else:
            return None


def _in_test(node: nodes.Node, parents: list[nodes.Node]) -> bool:
    """Whether only the truth of `node` matters: an `if` test, possibly under and/or/not."""
    for parent in reversed(parents):
        if isinstance(parent, nodes.If | nodes.CondExpr) and parent.test is node:
            return True
        if not isinstance(parent, nodes.And | nodes.Or | nodes.Not):
            return False
        node = parent
    return False


class _ReadCollector:
    """Walks syntax trees and adds their reads to a TemplateReads."""

    def __init__(self, environment: Environment, reads: TemplateReads, macros: dict[str, list[str]],
                 local_names: frozenset[str] = frozenset()) -> None:
        self.environment = environment
        self.reads = reads
        self.macros = macros  # macro name (as called) → parameter names
        self.local_names = local_names  # names some template binds (set, loop, macro parameter…)

    def _bound(self, node: nodes.Node | None) -> Bound | nodes.Node:
        """A slice bound as `Bound`, or the node itself when it is not known before rendering."""
        if node is None:
            return None
        if _index(node):
            return -node.node.value if isinstance(node, nodes.Neg) else node.value
        if (isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in self.local_names
                and node.name not in IMPLICIT_LOCALS):
            return node.name
        return node

    def visit(self, node: nodes.Node, parents: list[nodes.Node]) -> None:
        chain = _chain(node)
        if chain is not None:
            self._record(node, chain, parents)
            if chain[2]:  # the slice's bounds are read too
                for child in node.arg.iter_child_nodes():
                    self.visit(child, [*parents, node, node.arg])
            return
        if isinstance(node, nodes.Filter | nodes.Test):
            table = self.environment.filters if isinstance(node, nodes.Filter) else self.environment.tests
            if _is_custom_context_reader(table.get(node.name)):
                self.reads.opaque = True
        if (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name)
                and _is_custom_context_reader(self.environment.globals.get(node.node.name))):
            self.reads.opaque = True
        for child in node.iter_child_nodes():
            self.visit(child, [*parents, node])

    def _record(self, node: nodes.Node, chain: tuple[str, list[str | None], bool], parents: list[nodes.Node]) -> None:
        name, attrs, sliced = chain
        parent = parents[-1] if parents else None
        if isinstance(parent, nodes.Call) and parent.node is node and attrs:
            attrs = attrs[:-1]  # a method call (`date.isoformat()`) reads its owner whole
        use = self.reads.use(name)
        for attr in attrs:
            if attr is None:
                use.loops.add(INDEXED_ITEMS)
                use = self.reads.use(INDEXED_ITEMS)
            else:
                use = use.attr(attr)
        if sliced:
            # Every item of the list counts. A slice whose bounds are known before rendering is
            # read as its own value: the page's bounds pick its items (the front page's
            # `desk.stories[:FRONT_STORIES_PER_DESK]` reads five stories, not the desk's all).
            # Other slices are read as the whole list would be (more, never less).
            use.loops.add(COUNTED_ITEMS)
            bounds = tuple(self._bound(part) for part in (node.arg.start, node.arg.stop, node.arg.step))
            if not any(isinstance(bound, nodes.Node) for bound in bounds):
                self.reads.bound_names.update(bound for bound in bounds if isinstance(bound, str))
                use = use.slices.setdefault(bounds, Use())
        if self._iterated(node, parents, use):
            pass
        elif isinstance(parent, nodes.Call) and self._parameter(parent, node):
            parameter = self._parameter(parent, node)
            if not (parameter == name and not attrs):
                # A value passed to a parameter of its own name is read there under the same
                # Use (names merge across scopes): no alias, which would only read it again.
                use.aliases.add(parameter)
        elif _in_test(node, parents):
            use.truth = True
        elif isinstance(parent, nodes.Filter) and parent.node is node and parent.name in COUNTING_FILTERS:
            use.loops.add(COUNTED_ITEMS)
        else:
            use.whole = True

    def _iterated(self, node: nodes.Node, parents: list[nodes.Node], use: Use) -> bool:
        """Record `node` as a loop's items when a `for` iterates it, directly or through an
        ordering filter, into a name or a tuple of names; False when it is not so read."""
        parent = parents[-1] if parents else None
        sort_path: list[str | int] = []
        if (isinstance(parent, nodes.Filter) and parent.node is node and parent.name in ORDERING_FILTERS
                and len(parents) > 1):
            sort_path = _sort_path(parent) if parent.name == "sort" else []
            if sort_path is None:
                return False
            node, parent = parent, parents[-2]
        if not (isinstance(parent, nodes.For) and parent.iter is node):
            return False
        sorted_by_items = isinstance(node, nodes.Filter) and node.name == "sort"
        target = parent.target
        if isinstance(target, nodes.Name):
            item = self.reads.use(target.name)
            use.loops.add(target.name)
        elif isinstance(target, nodes.Tuple) and all(isinstance(name, nodes.Name) for name in target.items):
            names = tuple(name.name for name in target.items)
            if sorted_by_items and not sort_path:
                return False  # tuples compared whole: read whole
            if sort_path:  # sorted by a part of each tuple: `sort(attribute='0.name')`
                if not (isinstance(sort_path[0], int) and 0 <= sort_path[0] < len(names)):
                    return False
                item, sort_path = self.reads.use(names[sort_path[0]]), sort_path[1:]
            use.unpacks.add(names)
        else:
            return False
        if sorted_by_items:
            for step in sort_path:
                if isinstance(step, int):
                    item.loops.add(INDEXED_ITEMS)
                    item = self.reads.use(INDEXED_ITEMS)
                else:
                    item = item.attr(step)
            item.whole = True  # what the items are ordered by
        return True

    def _parameter(self, call: nodes.Call, argument: nodes.Node) -> str:
        """The macro parameter `argument` is passed to in `call`, or "" when not a known macro."""
        if not isinstance(call.node, nodes.Name) or call.node.name not in self.macros:
            return ""
        parameters = self.macros[call.node.name]
        for index, passed in enumerate(call.args):
            if passed is argument and index < len(parameters):
                return parameters[index]
        for keyword in call.kwargs:
            if keyword.value is argument and keyword.key in parameters:
                return keyword.key
        return ""


def _sort_path(sort: nodes.Filter) -> list[str | int] | None:
    """What a `sort` filter orders items by, as Jinja reads `attribute='0.name'` (numbers index
    an item); [] for the items themselves; None when that is not written in the template."""
    if sort.args or sort.dyn_args or sort.dyn_kwargs:
        return None
    path: list[str | int] = []
    for keyword in sort.kwargs:
        if keyword.key != "attribute":
            continue
        if not (isinstance(keyword.value, nodes.Const) and isinstance(keyword.value.value, str)):
            return None
        path = [int(part) if part.isdigit() else part for part in keyword.value.value.split(".")]
    return path


def _macros(trees: list[nodes.Template]) -> dict[str, list[str]]:
    """Macros defined in the trees, under every name they are called by, with their parameters."""
    defined = {macro.name: [arg.name for arg in macro.args] for tree in trees for macro in tree.find_all(nodes.Macro)}
    called = dict(defined)
    for tree in trees:
        for imported in tree.find_all(nodes.FromImport):
            for entry in imported.names:
                original, alias = entry if isinstance(entry, tuple) else (entry, entry)
                if original in defined:
                    called[alias] = defined[original]
    return called


def _local_names(trees: list[nodes.Template]) -> frozenset[str]:
    """Every name a template binds: assigned, looped over, a macro's or call block's parameter,
    an import's target. Such a name can differ between places of one page."""
    names = {name.name for tree in trees for name in tree.find_all(nodes.Name) if name.ctx in ("store", "param")}
    for tree in trees:
        for imported in tree.find_all(nodes.Import):
            names.add(imported.target)
        for imported in tree.find_all(nodes.FromImport):
            names.update(entry[1] if isinstance(entry, tuple) else entry for entry in imported.names)
        names.update(macro.name for macro in tree.find_all(nodes.Macro))
    return frozenset(names)


def template_reads(environment: Environment, name: str) -> TemplateReads:
    """The reads of template `name` and of every template it extends, includes or imports."""
    reads = TemplateReads()
    sources = hashlib.blake2b(digest_size=16)
    trees: list[nodes.Template] = []
    pending, seen, order = [name], set(), []
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        order.append(current)
        source, _, _ = environment.loader.get_source(environment, current)
        sources.update(_source_part(current, source))
        tree = environment.parse(source, current)
        trees.append(tree)
        for referenced in meta.find_referenced_templates(tree):
            if referenced is None:  # chosen at render time: cannot know what it reads
                reads.opaque = True
            else:
                pending.append(referenced)
    collector = _ReadCollector(environment, reads, _macros(trees), _local_names(trees))
    for tree in trees:
        collector.visit(tree, [])
    reads.source_digest = sources.digest()
    reads.templates = tuple(order)
    return reads


def _source_part(name: str, source: str) -> bytes:
    return name.encode() + b"\0" + source.encode() + b"\0"


def _sources_digest(environment: Environment, names: tuple[str, ...]) -> bytes | None:
    """The digest `template_reads` gives templates `names` as their sources are now (None when
    one is gone)."""
    sources = hashlib.blake2b(digest_size=16)
    try:
        for name in names:
            source, _, _ = environment.loader.get_source(environment, name)
            sources.update(_source_part(name, source))
    except TemplateNotFound:
        return None
    return sources.digest()


class KeptReads:
    """Template reads kept across builds in the file `path` under the build environment's `key`
    (cache_guard.py; see the module's docstring)."""

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        self._kept: dict[str, TemplateReads] = {}
        self._current: dict[str, TemplateReads] = {}
        try:
            kept_key, kept = pickle.loads(path.read_bytes())
            if (kept_key == key and isinstance(kept, dict)
                    and all(isinstance(reads, TemplateReads) for reads in kept.values())):
                self._kept = kept
        except FileNotFoundError:
            pass
        except Exception as error:  # a file cut short or of other code: read the templates again
            logger.debug("Template reads not kept (%s): %s", path, error)

    def reads(self, environment: Environment, name: str) -> TemplateReads:
        """`template_reads(environment, name)`, kept from the last build when its templates'
        sources are the same."""
        kept = self._kept.get(name)
        if kept is not None and kept.templates and _sources_digest(environment, kept.templates) == kept.source_digest:
            reads = kept
        else:
            reads = template_reads(environment, name)
        self._current[name] = reads
        return reads

    def save(self) -> None:
        """Keep the reads of this build's templates for the next, when they differ from the kept."""
        if self._current.keys() != self._kept.keys() or any(
                reads is not self._kept[name] for name, reads in self._current.items()):
            write_atomic(self.path, pickle.dumps((self.key, self._current), protocol=pickle.HIGHEST_PROTOCOL))
