"""Every exception the course's helpers raise, in one place.

Each one's message already says what happened and what to do, so a notebook
shows it without a stack trace (``session.setup_notebook``). Catch them from
here: ``from helpers.errors import AssetError``.
"""

from __future__ import annotations


class AssetError(RuntimeError):
    """The dataset or the weights cannot be found, downloaded or verified."""


class DatasetError(ValueError):
    """The dataset folder cannot be used as it is; the message says what to do."""


class MissingArtifactError(FileNotFoundError):
    """A notebook needs a file that an earlier notebook writes."""


class ArtifactMismatchError(ValueError):
    """An artifact was made from other data or settings than this notebook's."""


class UnusableArtifactError(MissingArtifactError):
    """An artifact exists but cannot be used: damaged, cut short, of the wrong
    shape, or the artifacts folder is not a folder this process can write to."""


class SplitImagesMissingError(MissingArtifactError):
    """split.json lists images that are not on this machine."""


#: The errors a notebook shows as their message alone (``session``).
COURSE_ERRORS = (AssetError, DatasetError, MissingArtifactError,
                 UnusableArtifactError, ArtifactMismatchError)


class ArtifactsInUseError(UnusableArtifactError):
    """Another process (a second kernel) is training into the same artifacts
    folder."""
