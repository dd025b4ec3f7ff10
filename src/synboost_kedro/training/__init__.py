"""Kedro-free training and evaluation loops for the reference segmentation and synthesis models."""
