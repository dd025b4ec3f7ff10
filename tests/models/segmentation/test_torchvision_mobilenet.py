import pytest
import torch
from torchvision.models import mobilenet_v3_large

from synboost_kedro.models.checkpoints import MissingWeightsError
from synboost_kedro.models.segmentation import create_segmentation_model


def test_missing_backbone_file_names_the_file_and_how_to_get_it(tmp_path):
    model = create_segmentation_model("lraspp_mobilenet_v3")
    missing = tmp_path / "mobilenet_v3_large.pth"

    with pytest.raises(MissingWeightsError) as error:
        model.load_backbone_weights(missing)

    assert str(missing) in str(error.value)
    assert "backbone_weights" in str(error.value)


def test_backbone_weights_come_from_an_imagenet_state_dict(tmp_path):
    torch.manual_seed(1)
    imagenet = mobilenet_v3_large(weights=None)
    path = tmp_path / "mobilenet_v3_large.pth"
    torch.save(imagenet.state_dict(), path)
    model = create_segmentation_model("lraspp_mobilenet_v3")

    model.load_backbone_weights(path)

    assert torch.equal(model.model.backbone["0"][0].weight, imagenet.features[0][0].weight)


def test_a_file_without_the_trunk_is_refused(tmp_path):
    path = tmp_path / "other.pth"
    torch.save({"classifier.weight": torch.zeros(2, 2)}, path)
    model = create_segmentation_model("deeplabv3_mobilenet_v3")

    with pytest.raises(ValueError, match="lacks"):
        model.load_backbone_weights(path)
