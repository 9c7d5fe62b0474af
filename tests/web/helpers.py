"""Small frameworks made from the seed one for the web tests."""

from dataclasses import replace


def with_duplicate_statement_id(framework):
    """The seed framework with two statements sharing an id: a lint error."""
    family = framework.families[0]
    cells = list(family.expectations)
    first = next(i for i, cell in enumerate(cells) if len(cell.statements) >= 2)
    one, two, *rest = cells[first].statements
    cells[first] = replace(cells[first], statements=(one, replace(two, id=one.id), *rest))
    return replace(framework, families=(replace(family, expectations=tuple(cells)),))


def reworded(framework, new_text="I write tests first."):
    """The seed framework with its first statement reworded: a new version."""
    family = framework.families[0]
    cells = list(family.expectations)
    first = next(i for i, cell in enumerate(cells) if cell.statements)
    one, *rest = cells[first].statements
    cells[first] = replace(cells[first], statements=(replace(one, text=new_text), *rest))
    return replace(framework, families=(replace(family, expectations=tuple(cells)),))
