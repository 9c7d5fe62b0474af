"""A large synthetic framework for benchmarks: families × levels × areas × statements.

    python bench/synthetic.py OUT_DIR [--families 20 --levels 8 --areas 12 --statements 4]

writes OUT_DIR/pages/ (one just-the-docs page per level) and OUT_DIR/framework.yaml.
Other benchmarks import `make_framework` from here.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from craftpath.core.formats import canonical, jtd
from craftpath.core.model import (
    Area,
    Expectation,
    Family,
    Framework,
    Level,
    PageStyle,
    Statement,
    Track,
    in_grid_order,
    statement_id,
)
from craftpath.core.text import collect_terms

VERBS = ["design", "review", "ship", "mentor", "own", "measure", "plan", "document", "debug",
         "improve", "lead", "automate"]
OBJECTS = ["services", "data pipelines", "experiments", "incidents", "APIs", "tests",
           "roadmaps", "models", "deployments", "interviews", "architecture", "budgets"]
SCOPES = ["for my own work", "for my team", "across teams", "for the whole organisation"]


def make_framework(families=20, levels=8, areas=12, statements=4, seed=1) -> Framework:
    rng = random.Random(seed)
    built = []
    for f in range(families):
        level_list, cells = [], []
        for rank in range(levels):
            number = rank + 1
            level_list.append(Level(f"level-{number}", f"Level {number}", rank, number,
                                    f"Grade {number}", f"Engineer {number}",
                                    page=PageStyle(f"/family-{f}/level-{number}", rank + 1,
                                                   "page")))
        tracks = []
        for t, track_name in enumerate(["All", "Specialist"]):
            track_areas = [Area(f"area-{t}-{a}", f"Area {t}-{a}")
                           for a in range(areas // 2 + (areas % 2 if t == 0 else 0))]
            tracks.append(Track(track_name.lower(), track_name, tuple(track_areas)))
        for level in level_list:
            for area in (a for track in tracks for a in track.areas):
                scope = SCOPES[min(3, level.rank // 2)]
                texts = [f"I {rng.choice(VERBS)} {rng.choice(OBJECTS)} {scope} with "
                         f"{rng.choice(OBJECTS)} in mind (#{i})." for i in range(statements)]
                cells.append(Expectation(area.slug, level.slug, tuple(
                    Statement(statement_id(area.slug, level.slug, i), text)
                    for i, text in enumerate(texts, start=1))))
        built.append(Family(f"family-{f}", f"Family {f}", tuple(level_list), tuple(tracks),
                            in_grid_order(level_list, tracks, cells)))
    return Framework("Synthetic Framework", tuple(built), collect_terms(tuple(built)), "bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    for name, default in (("families", 20), ("levels", 8), ("areas", 12), ("statements", 4)):
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args()
    framework = make_framework(args.families, args.levels, args.areas, args.statements)
    args.out.mkdir(parents=True, exist_ok=True)
    pages = jtd.write(framework, args.out / "pages")
    canonical.write(framework, args.out / "framework.yaml")
    print(f"wrote {len(pages)} pages and framework.yaml under {args.out}")


if __name__ == "__main__":
    main()
