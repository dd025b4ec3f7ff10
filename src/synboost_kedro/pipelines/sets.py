"""The named data sets the pipelines are built for; each is a Kedro namespace.

Pipelines are built before parameters are read, so the sets are fixed here. An evaluation set is
a slot: ``conf/base`` fills it with the embedded synthetic benchmark, ``conf/cityscapes`` may point
the same ``<set>.raw`` catalog entry at the real download (any layout the converters know).
"""

#: Label-swapped Cityscapes train frames, the dissimilarity network's training data. (AP on
#: label-swapped *val* frames kept rising while AP on real anomalies collapsed, so models are
#: selected on SELECTION_SET instead; docs/dissimilarity_training.md.)
TRAINING_SETS: tuple[str, ...] = ("dissimilarity_train",)

#: Anomaly benchmarks, evaluated but never used to select a model. ``photo_objects`` holds real
#: photographs, a kind of object the project never renders or trains on (generalisation check).
EVALUATION_SETS: tuple[str, ...] = ("fs_lost_and_found", "smiyc_road_anomaly", "photo_objects")

#: Anomalies of other shapes and looks than every evaluation set's: selects the training step
#: and the fusion weights, as the paper selected on Fishyscapes Lost & Found val.
SELECTION_SET = "anomaly_val"

#: Every set in benchmark form (image + 1/0/255 mask, maps re-synthesised from the prediction).
ANOMALY_SETS: tuple[str, ...] = (SELECTION_SET, *EVALUATION_SETS)
