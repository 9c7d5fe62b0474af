"""The budget every reader works within: how many values or elements one file may hold and how
deeply they may nest. A file beyond it is refused with one line naming it (BudgetError, an
InputError), before the reader walks it, so a small upload cannot make the server build
gigabytes (a YAML alias bomb: 600 bytes naming a billion nodes) or spend minutes on a
structure nested hundreds deep.

Why these numbers: the largest data file among the corpus frameworks and the samples holds
1,369 values and the deepest nests 12 levels (a JSON role file); the deepest HTML page nests
its elements 9 deep. Each budget leaves room for frameworks many times larger than those:

- MAX_DATA_NODES: values in one JSON, YAML or JavaScript file, aliases counted as often as
  they are used (about 150 times the largest seen; reading that many takes seconds).
- MAX_ALIASED_NODES: values a YAML file may add by reusing anchors. Anchors save repeating a
  list of statements or so; ten thousand is several whole frameworks' worth.
- MAX_DEPTH: nesting of data, and of the document tree's headings and lists (over three
  times the deepest seen). The inference's work grows with depth times size.
- MAX_MARKUP_DEPTH: nesting of elements in a page (HTML, reStructuredText, LaTeX, Markdown
  tokens). Exported web pages wrap their content in layout elements, so this is larger; the
  walkers recurse once per element, well within Python's limit of 1,000 frames.
- MAX_MARKUP_NODES: elements of one page. A page's elements grow with its length, which the
  upload limits bound; this only stops a parser's runaway output.
- MAX_CELLS: cells of one workbook or CSV file, merged ranges counted cell by cell (a range
  of 30 bytes can name 17 billion). A framework's grid is a few thousand cells.

Parsers that nest by recursion or slow down with depth (html5lib, pylatexenc, the reading of a
JavaScript literal's value) get their input's nesting counted from its text first, so refusing
costs little.
"""

from __future__ import annotations

import yaml

from .inputs import InputError

MAX_DATA_NODES = 200_000
MAX_ALIASED_NODES = 10_000
MAX_DEPTH = 40
MAX_MARKUP_DEPTH = 100
MAX_MARKUP_NODES = 1_000_000
MAX_CELLS = 200_000


class BudgetError(InputError):
    """A file holds more, or nests deeper, than a reader will read."""


def too_deep(name: str, what: str, limit: int) -> BudgetError:
    return BudgetError(f"{name}: {what} nest more than {limit} levels deep; craftpath reads "
                       f"at most {limit} (a framework needs far fewer)")


def too_many(name: str, what: str, limit: int) -> BudgetError:
    return BudgetError(f"{name}: holds more than {limit:,} {what}; craftpath reads at most "
                       f"{limit:,} in one file")


def check_data(value, name: str) -> None:
    """Refuse parsed data (JSON, a JavaScript literal) beyond the nodes or depth budget."""
    count = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_DATA_NODES:
            raise too_many(name, "values", MAX_DATA_NODES)
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth >= MAX_DEPTH and children:
            raise too_deep(name, "values", MAX_DEPTH)
        stack.extend((child, depth + 1) for child in children)


def check_yaml_node(root: yaml.Node | None, name: str) -> None:
    """Refuse a composed YAML document beyond the budgets, counting each alias as the nodes it
    stands for, without expanding it. A node is composed once however often it is referred
    to, so each node's expanded size is worked out once (by id) and reused; an alias inside
    its own anchor (a loop) is refused."""
    if root is None:
        return
    sizes: dict[int, int] = {}  # id(node) -> nodes it expands to, itself included
    heights: dict[int, int] = {}  # id(node) -> levels it nests, itself included
    open_ids: set[int] = set()
    distinct = 0
    # An explicit stack (node, depth, entered?) so no Python recursion limit is reached.
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, entered = stack.pop()
        key = id(node)
        if entered:
            open_ids.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            heights[key] = 1 + max(heights[id(child)] for child in children)
            if sizes[key] > MAX_DATA_NODES:
                raise too_many(name, "values (anchors' reuses counted)", MAX_DATA_NODES)
            continue
        if key in sizes:  # a reuse of a node already counted: its size is known
            if depth + heights[key] - 1 > MAX_DEPTH:
                raise too_deep(name, "values", MAX_DEPTH)
            continue
        if key in open_ids:
            raise BudgetError(f"{name}: an alias refers to the anchor it is inside; a "
                              "framework cannot be endless")
        distinct += 1
        children = _children(node)
        if not children:
            sizes[key] = heights[key] = 1
            continue
        if depth >= MAX_DEPTH:
            raise too_deep(name, "values", MAX_DEPTH)
        open_ids.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children)
    aliased = sizes[id(root)] - distinct
    if aliased > MAX_ALIASED_NODES:
        raise too_many(name, "values repeated through YAML aliases", MAX_ALIASED_NODES)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


# libyaml's safe loader when PyYAML was built with it: the same nodes, many times faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str, name: str, loader=SAFE_LOADER, every: bool = False):
    """The YAML document in `text` (every document, as a list, with `every`), read with the
    safe `loader` after its composed nodes are checked against the budgets. Raises
    yaml.YAMLError for bad YAML and BudgetError beyond the budgets."""
    reader = loader(text)
    try:
        return _checked_documents(reader, name, every)
    except RecursionError:  # the pure-Python composer nests by recursion
        raise too_deep(name, "values", MAX_DEPTH) from None
    finally:
        reader.dispose()


def _checked_documents(reader, name: str, every: bool):
    if not every:
        node = reader.get_single_node()
        check_yaml_node(node, name)
        return None if node is None else reader.construct_document(node)
    documents = []
    while reader.check_node():
        node = reader.get_node()
        check_yaml_node(node, name)
        documents.append(reader.construct_document(node))
    return documents


def check_tree(root, children_of, name: str, what: str) -> None:
    """Refuse a parsed page (any tree whose children `children_of` gives) beyond the markup
    budgets, walking it without recursion."""
    count = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_MARKUP_NODES:
            raise too_many(name, what, MAX_MARKUP_NODES)
        children = list(children_of(node) or ())
        if children and depth >= MAX_MARKUP_DEPTH:
            raise too_deep(name, what, MAX_MARKUP_DEPTH)
        stack.extend((child, depth + 1) for child in children)
