from dataclasses import dataclass

import pytest

from synboost_kedro.utils.strict_fields import check_known_keys, from_known_fields


@dataclass
class _Options:
    size: int = 1
    name: str = "a"


def test_builds_from_known_fields():
    assert from_known_fields(_Options, {"size": 3}, "options") == _Options(size=3)


def test_unknown_keys_are_named_with_the_closest_and_the_valid_ones():
    expected = (
        r"Unknown options: 'colour', 'sise' \(did you mean 'size'\?\); "
        r"valid keys: \['name', 'size'\]"
    )
    with pytest.raises(ValueError, match=expected):
        from_known_fields(_Options, {"colour": 1, "sise": 2}, "options")


def test_known_keys_of_a_plain_section_pass_and_typos_are_refused():
    check_known_keys({"batch_size": 2}, ("batch_size", "device"), "evaluation parameters")
    with pytest.raises(ValueError, match="'devise' \\(did you mean 'device'\\?\\)"):
        check_known_keys({"devise": "cpu"}, ("batch_size", "device"), "evaluation parameters")
