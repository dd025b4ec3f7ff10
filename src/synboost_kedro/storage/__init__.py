"""Kedro-free storage of sets on disk: image files, processed sets, and deferred writing."""
