"""Folding eval-mode BatchNorms into the convolutions they follow, for faster CPU inference."""

from __future__ import annotations

from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval


def fold_batch_norms(network: nn.Module) -> int:
    """Fold every BatchNorm that directly follows a conv inside an ``nn.Sequential`` into it.

    The BN is either the conv's next sibling or the first layer of a following ``Sequential``
    (the ``bn_relu`` units of the WideResNet). Folded BNs become ``nn.Identity``, so the state
    dict no longer matches the original keys: fold only a network that is used for inference.

    Args:
        network: A network in eval mode.

    Returns:
        The number of BatchNorms folded.

    Raises:
        ValueError: the network is in training mode, where BN uses batch statistics.
    """
    if network.training:
        raise ValueError("fold_batch_norms needs a network in eval mode (BN running statistics)")
    folded = 0
    for sequential in [module for module in network.modules() if isinstance(module, nn.Sequential)]:
        names = list(sequential._modules)
        for name, next_name in zip(names, names[1:], strict=False):
            conv = sequential._modules[name]
            follower = sequential._modules[next_name]
            owner, key = (
                (follower, "0") if isinstance(follower, nn.Sequential) else (sequential, next_name)
            )
            norm = owner._modules.get(key)
            if isinstance(conv, nn.Conv2d) and isinstance(norm, nn.BatchNorm2d):
                sequential._modules[name] = fuse_conv_bn_eval(conv, norm)
                owner._modules[key] = nn.Identity()
                folded += 1
    return folded
