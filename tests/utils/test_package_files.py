from synboost_kedro.utils.package_files import installed_package_file


def test_finds_a_shipped_file_and_answers_none_for_missing_ones():
    found = installed_package_file("synboost_kedro", "utils/package_files.py")

    assert found is not None and found.name == "package_files.py"
    assert installed_package_file("synboost_kedro", "no/such/file.txt") is None
    assert installed_package_file("no_such_package_anywhere", "x.txt") is None
