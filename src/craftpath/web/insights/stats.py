"""Means, proportions and their 95% confidence intervals (normal approximation), as plain
functions over numbers. Intervals are there to show how little a small difference means."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.96


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float
    n: int

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


@dataclass
class Moments:
    """Count, sum and sum of squares: enough for a mean and its interval, and summable."""

    n: int = 0
    total: float = 0.0
    squares: float = 0.0

    def add(self, value: float | None) -> None:
        if value is not None:
            self.n += 1
            self.total += value
            self.squares += value * value

    def __add__(self, other: Moments) -> Moments:
        return Moments(self.n + other.n, self.total + other.total,
                       self.squares + other.squares)

    def __sub__(self, other: Moments) -> Moments:
        """The moments of a group without one of its parts (the rest of a level)."""
        return Moments(self.n - other.n, self.total - other.total,
                       self.squares - other.squares)

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        if self.n < 2:
            return None
        return max(0.0, (self.squares - self.total * self.total / self.n) / (self.n - 1))

    def estimate(self) -> Estimate | None:
        if self.n < 2:
            return None
        half = Z95 * math.sqrt(self.variance / self.n)
        return Estimate(self.mean, self.mean - half, self.mean + half, self.n)


def difference(a: Moments, b: Moments) -> Estimate | None:
    """Mean of `a` minus mean of `b`, with Welch's standard error."""
    if a.n < 2 or b.n < 2:
        return None
    diff = a.mean - b.mean
    half = Z95 * math.sqrt(a.variance / a.n + b.variance / b.n)
    return Estimate(diff, diff - half, diff + half, a.n)


def proportion(successes: int, n: int) -> Estimate | None:
    """Wilson's interval: sensible near 0 and 1, where small groups sit."""
    if n == 0:
        return None
    p = successes / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half), n)


def proportion_difference(a_hits: int, a_n: int, b_hits: int, b_n: int) -> Estimate | None:
    if a_n == 0 or b_n == 0:
        return None
    pa, pb = a_hits / a_n, b_hits / b_n
    half = Z95 * math.sqrt(pa * (1 - pa) / a_n + pb * (1 - pb) / b_n)
    return Estimate(pa - pb, pa - pb - half, pa - pb + half, a_n)
