"""The synthetic-data notice every document carries: the staged project's metadata states it,
each engine puts it on every page (and first in Word), and verify checks that it is there."""

SYNTHETIC_LABEL = "SYNTHETIC DATA: not official statistics"
