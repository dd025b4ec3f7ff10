import numpy as np

from synboost_kedro.inference.figures import analysis_figure
from tests.conftest import street_image, tiny_detector


def test_the_figure_has_its_colour_scale_and_names_the_ground_truth_colours():
    image = street_image(24, 48)
    analysis = tiny_detector().analyse(image)
    labels = np.zeros((24, 48), np.uint8)
    labels[10:14, 20:26] = 1

    with_truth = analysis_figure("street", image, analysis, labels)
    without = analysis_figure("street", image, analysis)

    (legend,) = with_truth.legends
    assert [text.get_text() for text in legend.get_texts()] == ["normal", "anomaly", "ignored"]
    assert not without.legends
    colour_bar = with_truth.axes[-1]
    assert colour_bar.get_ylabel().startswith("score (0 normal")
    assert colour_bar.get_ylim() == (0.0, 1.0)
    assert "street: highest anomaly score" in with_truth.get_suptitle()
