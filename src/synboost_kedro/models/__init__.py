"""Kedro-free networks: segmentation, synthesis, perceptual difference and dissimilarity."""
