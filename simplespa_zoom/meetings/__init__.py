"""The meeting core: add, check, remove and follow a meeting, with no Flask and no SQL."""
