"""The named data sets the pipelines are built for; each is a Kedro namespace.

Pipelines are built before parameters are read, so the sets are fixed here. An evaluation set is
a slot: ``conf/base`` fills it with the embedded synthetic benchmark, ``conf/cityscapes`` may point
the same ``<set>.raw`` catalog entry at the real download (any layout the converters know).
"""

#: Label-swapped Cityscapes frames: training, and the held-out split used for model selection.
TRAINING_SETS: tuple[str, ...] = ("dissimilarity_train", "dissimilarity_val")

#: Anomaly benchmarks, evaluated but never used to select a model.
EVALUATION_SETS: tuple[str, ...] = ("fs_lost_and_found", "smiyc_road_anomaly")
