"""The library's errors: one base class, each error carrying the input it is about.

A leaf module: it imports nothing of couturier, so every layer can raise these. Messages speak
the library's terms (config keys such as `train.batch_size`, argument names); the faces translate
`field` into their own words: the CLI into a flag, the server into a JSON field.
"""
from __future__ import annotations


class CouturierError(Exception):
    """Bad input or a refused request; the message says what to do. `field` names the offending
    config key or argument (e.g. "train.batch_size", "truncation"), or is None."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class ConfigError(CouturierError, ValueError):
    """A config value or file is invalid."""


class DataError(CouturierError, RuntimeError):
    """Training or reference data is missing, unreadable or unsuitable."""


class CheckpointError(CouturierError, RuntimeError):
    """A checkpoint is missing, damaged or belongs to another model."""


class RunDirError(CouturierError, RuntimeError):
    """A run folder cannot be written to, or holds no run to continue."""


class PeerFailed(RunDirError):
    """Under torchrun: rank 0 failed (its lock refused, a write refused) and says why itself; the
    other ranks stop with it, quietly."""


class SampleError(CouturierError, ValueError):
    """Samples given to the metrics are unreadable or of the wrong shape or type."""


class FeatureNetError(CouturierError, RuntimeError):
    """A feature network is unknown, missing, or fails its checksum."""


class TextEncoderError(CouturierError, ValueError):
    """A text encoder is unknown, not installed, unfitted, or given empty text."""


class StyleInputError(CouturierError, ValueError):
    """A picture or mask given to style transfer is unreadable or unsuitable."""


class StyleNetError(CouturierError, RuntimeError):
    """The style network's weights are missing or damaged."""


class MissingExtra(CouturierError, ImportError):
    """An optional dependency group is not installed."""

    def __init__(self, extra: str, purpose: str, install: str | None = None):
        install = install or f"pip install 'couturier[{extra}]'"
        super().__init__(f"{purpose} needs the '{extra}' extra: {install}")
        self.extra = extra


class WriteError(CouturierError, RuntimeError):
    """An output could not be written (disk full, read-only file system, no permission). The
    message names the path, the system's reason and what is left as it was; `reason` and `errno`
    are the system's words and number for it."""

    def __init__(self, message: str, reason: str = "", errno: int | None = None, field: str | None = None):
        super().__init__(message, field)
        self.reason, self.errno = reason, errno


class TrainingDiverged(CouturierError, RuntimeError):
    """A loss became NaN or infinite; the last good checkpoint is kept."""
