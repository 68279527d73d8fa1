"""A prompt's reading: the words G is given for it, the look values read from it, and how sure
the reading is of each (text2image/grounding.py makes them; `generate` and the API show them)."""
from __future__ import annotations

from dataclasses import dataclass, field

CONFIDENT = 0.5  # a column read with less confidence than this shows its runners-up
SHOWN = 80  # characters of a prompt or its text a reading quotes (a pasted page is read whole, shown cut)


@dataclass(frozen=True)
class Reading:
    """How a prompt was read: the text G is given, the look values that were inferred, how sure
    the reading is of each (0-1; a calibrated reader's), and the next likeliest readings."""

    prompt: str
    text: str
    inferred: dict[str, str]
    confidence: dict[str, float] = field(default_factory=dict)
    alternatives: tuple[str, ...] = ()
    contradicted: tuple[str, ...] = ()  # columns the prompt names two values of ("a black white shirt")

    @property
    def unsure(self) -> bool:
        return bool(self.contradicted) or any(value < CONFIDENT for value in self.confidence.values())

    def describe(self) -> str:
        if not self.inferred:
            return f"{_cut(self.prompt)!r} as written"
        sure = ", ".join(f"{value} {self.confidence[column]:.2f}" for column, value in self.inferred.items()
                         if column in self.confidence)
        said = f"{_cut(self.prompt)!r} read as {_cut(self.text)!r}" + (f" ({sure})" if sure else "")
        return said + "".join(f"; it names two values of {column}" for column in self.contradicted)


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN - 3].rstrip() + "..."
