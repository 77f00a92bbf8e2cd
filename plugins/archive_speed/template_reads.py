"""What a Jinja template reads from its context, found by reading the template, not running it.

A page only needs re-rendering when something its template reads has changed. `template_reads`
parses a template and every template it extends, includes or imports, and records for each
context name the attributes read from it (`article.title` reads `title` of `article`), which
names are iterated and under which loop name (`{% for desk in front_desks %}` reads, of each
desk, what the loop body reads of `desk`), and which are used whole (passed to a macro,
filtered, assigned). Anything it cannot follow — a template chosen at render time, a custom
filter that reads the whole context — makes the template `opaque`: its pages always render.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from jinja2 import Environment, meta, nodes
from jinja2.utils import _PassArg

WHOLE = None  # a name (or attribute) whose whole value the template may show


@dataclass
class TemplateReads:
    """The context reads of one template together with everything it pulls in.

    `attrs[name]` is the set of attributes read from `name`, or WHOLE; `loops[name]` the loop
    names under which `name` is iterated; `source_digest` covers the text of every template
    involved; `opaque` says the reads could not be followed.
    """

    attrs: dict[str, set[str] | None] = field(default_factory=dict)
    loops: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    source_digest: bytes = b""
    opaque: bool = False

    def names(self) -> set[str]:
        """Every context name the template may read."""
        return set(self.attrs) | set(self.loops)

    def read_whole(self, name: str) -> None:
        self.attrs[name] = WHOLE

    def read_attr(self, name: str, attr: str) -> None:
        current = self.attrs.setdefault(name, set())
        if current is not WHOLE:
            current.add(attr)


def _is_custom_context_reader(function: object) -> bool:
    """A filter, test or global that receives the whole render context and is not Jinja's own."""
    passes_context = getattr(function, "jinja_pass_arg", None) is _PassArg.context
    return passes_context and not getattr(function, "__module__", "").startswith("jinja2")


class _ReadCollector:
    """Walks one template's syntax tree and adds its reads to a TemplateReads."""

    def __init__(self, environment: Environment, reads: TemplateReads) -> None:
        self.environment = environment
        self.reads = reads

    def visit(self, node: nodes.Node, parent: nodes.Node | None) -> None:
        if isinstance(node, nodes.Name) and node.ctx == "load":
            self._name(node, parent)
        elif isinstance(node, nodes.Filter | nodes.Test):
            table = self.environment.filters if isinstance(node, nodes.Filter) else self.environment.tests
            if _is_custom_context_reader(table.get(node.name)):
                self.reads.opaque = True
        for child in node.iter_child_nodes():
            self.visit(child, node)

    def _name(self, node: nodes.Name, parent: nodes.Node | None) -> None:
        name = node.name
        if isinstance(parent, nodes.Getattr) and parent.node is node:
            self.reads.read_attr(name, parent.attr)
        elif (isinstance(parent, nodes.Getitem) and parent.node is node
              and isinstance(parent.arg, nodes.Const) and isinstance(parent.arg.value, str)):
            self.reads.read_attr(name, parent.arg.value)
        elif (isinstance(parent, nodes.For) and parent.iter is node
              and isinstance(parent.target, nodes.Name)):
            self.reads.loops[name].add(parent.target.name)
        elif (isinstance(parent, nodes.Call) and parent.node is node
              and _is_custom_context_reader(self.environment.globals.get(name))):
            self.reads.opaque = True
        else:
            self.reads.read_whole(name)


def template_reads(environment: Environment, name: str) -> TemplateReads:
    """The reads of template `name` and of every template it extends, includes or imports."""
    reads = TemplateReads()
    sources = hashlib.blake2b(digest_size=16)
    pending, seen = [name], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        source, _, _ = environment.loader.get_source(environment, current)
        sources.update(current.encode() + b"\0" + source.encode() + b"\0")
        tree = environment.parse(source, current)
        _ReadCollector(environment, reads).visit(tree, None)
        for referenced in meta.find_referenced_templates(tree):
            if referenced is None:  # chosen at render time: cannot know what it reads
                reads.opaque = True
            else:
                pending.append(referenced)
    reads.source_digest = sources.digest()
    return reads
