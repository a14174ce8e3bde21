"""Progress bars: drawn only on a terminal, after a delay, and never when quiet."""

from __future__ import annotations

import io

import pytest

from talkhis import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def loud(monkeypatch):
    monkeypatch.delenv("TALKHIS_PROGRESS", raising=False)
    progress.set_quiet(False)
    yield
    progress.set_quiet(False)


def test_no_bar_when_standard_error_is_not_a_terminal(monkeypatch):
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert not progress.enabled()
    with progress.progress(10, "embedding") as bar:
        bar.update(10)


def test_a_terminal_gets_a_bar_after_the_delay(monkeypatch):
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    assert progress.enabled()
    with progress.progress(4, "clustering") as bar:
        for _ in range(4):
            bar.update(1)
    assert "clustering" in screen.getvalue()


def test_quiet_and_the_environment_switch_bars_off(monkeypatch):
    monkeypatch.setattr("sys.stderr", Terminal())
    progress.set_quiet()
    assert not progress.enabled()
    progress.set_quiet(False)
    monkeypatch.setenv("TALKHIS_PROGRESS", "0")
    assert not progress.enabled()


def test_a_short_run_draws_nothing(monkeypatch):
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    with progress.progress(3, "embedding") as bar:
        bar.update(3)
    assert "embedding" not in screen.getvalue()
