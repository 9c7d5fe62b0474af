"""The insights views, one module each. Every module has `build(context) -> Report`; the page,
the CSV and the XLSX are drawn from that one Report."""

from __future__ import annotations

from dataclasses import dataclass

from craftpath.web import access

from . import calibration, completion, fairness, gaps, heatmap, readiness, trends


@dataclass(frozen=True)
class View:
    slug: str
    title: str
    summary: str
    module: object
    people_team_only: bool = False

    def allowed(self, viewer) -> bool:
        if self.people_team_only:
            return access.can_view_fairness(viewer)
        return access.can_view_insights(viewer)


VIEWS = {view.slug: view for view in (
    View("heatmap", "Team heatmap", "People × areas: agreed coverage at each person's level and "
         "toward the next, from their latest closed check-in.", heatmap),
    View("gaps", "Coverage gaps", "Statements of a level that nobody, or only one person, "
         "covers: where a team is thin, and who would be missed.", gaps),
    View("calibration", "Calibration", "Per reviewer: how they rate, the gap to self-ratings, "
         "and strictness against the organisation at the same level.", calibration),
    View("readiness", "Readiness pipeline", "Per level, who covers most of the next level, "
         "with time at level: a list for conversations, not a verdict.", readiness),
    View("completion", "Check-in completion", "Check-ins started per quarter and how far each "
         "has gone.", completion),
    View("trends", "Trends", "Coverage per area and the spread of agreed ratings, quarter by "
         "quarter.", trends),
    View("fairness", "Fairness", "Gaps between groups of optional, consented attributes in "
         "agreed ratings, self–manager gaps and readiness. Aggregate only.", fairness,
         people_team_only=True),
)}
