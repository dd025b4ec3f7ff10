from dataclasses import dataclass

import pytest

from synboost_kedro.utils.strict_fields import from_known_fields


@dataclass
class _Options:
    size: int = 1
    name: str = "a"


def test_builds_from_known_fields():
    assert from_known_fields(_Options, {"size": 3}, "options") == _Options(size=3)


def test_unknown_keys_are_named_with_the_known_ones():
    expected = r"Unknown options \['colour'\]; known: \['name', 'size'\]"
    with pytest.raises(ValueError, match=expected):
        from_known_fields(_Options, {"colour": 1, "size": 2}, "options")
