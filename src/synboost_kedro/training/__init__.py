"""Kedro-free training and evaluation loops (reference networks, dissimilarity network)."""
