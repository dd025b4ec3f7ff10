"""Kedro-free model code: segmentation, synthesis, perceptual difference and dissimilarity networks."""
