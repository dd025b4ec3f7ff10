import pytest
import torch

from synboost_kedro.frames import IGNORE
from synboost_kedro.training.data_parallel import SINGLE_PROCESS, DataParallelGroup, PaddingMask
from synboost_kedro.training.dissimilarity_data import EpochSampler


def steps(items: list, batch: int) -> list[list]:
    return [items[start : start + batch] for start in range(0, len(items), batch)]


@pytest.mark.parametrize(("num_items", "world_size"), [(8, 2), (5, 2), (7, 3), (2, 3)])
def test_ranks_take_equal_step_counts_whose_real_items_are_the_single_process_batches(
    num_items, world_size
):
    rank_batch = 2
    single = steps(list(EpochSampler(num_items, seed=4, flip=True)), rank_batch * world_size)
    shares = []
    for rank in range(world_size):
        sampler = DataParallelGroup(rank, world_size).sampler(num_items, seed=4, flip=True)
        sampler.set_epoch(0)
        shares.append(steps(list(sampler), rank_batch))
    assert len({len(share) for share in shares}) == 1
    for step, expected in enumerate(single):
        together = [item for share in shares for item in share[step]]
        real = sorted((index, flip) for index, flip, is_padding in together if not is_padding)
        assert real == sorted(expected)


def test_padding_items_are_all_void_and_real_items_untouched():
    label = torch.tensor([[0, 1], [1, 0]])
    dataset = {(0, False): {"label": label}, (0, True): {"label": label.flip(-1)}}
    masked = PaddingMask(dataset)
    assert torch.equal(masked[(0, False, False)]["label"], label)
    assert torch.equal(masked[(0, True, False)]["label"], label.flip(-1))
    assert (masked[(0, False, True)]["label"] == IGNORE).all()


def test_one_process_changes_nothing_and_a_global_batch_must_split_evenly():
    model = torch.nn.Linear(2, 2)
    assert SINGLE_PROCESS.wrap(model, torch.device("cpu")) is model
    assert SINGLE_PROCESS.rank_batch_size(3) == 3
    assert SINGLE_PROCESS.broadcast([1.0, 2.0]) == [1.0, 2.0]
    assert DataParallelGroup(1, 2).rank_batch_size(4) == 2
    with pytest.raises(ValueError, match="batch_size \\(5\\) is the global batch"):
        DataParallelGroup(0, 2).rank_batch_size(5)
