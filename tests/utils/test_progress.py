import io

from synboost_kedro.utils.progress import progress_bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_is_drawn_only_on_a_terminal_and_when_asked():
    terminal, log_file, quiet = _Terminal(), io.StringIO(), _Terminal()

    assert list(progress_bar(range(3), "maps", "frame", file=terminal)) == [0, 1, 2]
    assert list(progress_bar(range(3), "maps", "frame", file=log_file)) == [0, 1, 2]
    assert list(progress_bar(range(3), "maps", "frame", show=False, file=quiet)) == [0, 1, 2]

    assert "maps: 100%" in terminal.getvalue() and "3/3" in terminal.getvalue()
    assert "frame/s" in terminal.getvalue()
    assert log_file.getvalue() == "" and quiet.getvalue() == ""
