"""Draw a value from a Hypothesis strategy with a seeded random: the one adapter to Hypothesis internals.

Hypothesis generates inside `@given` tests and has no public call that draws one value reproducibly (its
`.example()` is unseeded and meant for the REPL). The generator needs exactly that, so this module builds what
`@given` builds for one test case: a `ConjectureData` over the given random and a `BuildContext`, and draws.

One deliberate change: Hypothesis mixes in constants it finds in the source of whatever local modules are
loaded, so the same seed would draw differently under pytest than under the CLI. The provider here never draws
such constants; everything else (its bias toward boundaries and small values) is Hypothesis's own.

Pinned to the version below; `tests/trustfabric/datasets/test_synth.py` fails loudly on another one, and a
review of this module against the new version's `ConjectureData`, `BuildContext` and `HypothesisProvider`
comes with the upgrade.

Usage::

    import random
    from hypothesis import strategies as st
    from trustfabric.datasets.synth.draw import draw

    value = draw(st.integers(0, 10), random.Random(7))       # the same for the same seed, in any process
"""

from __future__ import annotations

import random
from typing import Any, TypeVar

from hypothesis.control import BuildContext
from hypothesis.internal.conjecture.data import ConjectureData
from hypothesis.internal.conjecture.providers import HypothesisProvider
from hypothesis.strategies import SearchStrategy

HYPOTHESIS_VERSION = "6.170.27"
"""The Hypothesis release this adapter was written against (pinned in pyproject.toml)."""

MAX_CHOICES = 100_000

T = TypeVar("T")


class _SeededProvider(HypothesisProvider):
    """Hypothesis's own provider, minus the constants harvested from loaded modules (process-dependent)."""

    def _maybe_draw_constant(self, choice_type: Any, constraints: Any, *, p: float = 0.05) -> Any:
        return None


def _test_stand_in() -> None:
    """What BuildContext records as the test being run (nothing is run)."""


def draw(strategy: SearchStrategy[T], rng: random.Random) -> T:
    """One value of `strategy`, determined by `rng`'s state (which advances)."""
    data = ConjectureData(random=rng, provider=_SeededProvider, max_choices=MAX_CHOICES)
    with BuildContext(data, wrapped_test=_test_stand_in):
        return data.draw(strategy)
