"""Background jobs where only the newest result counts."""

import threading

from gdviz.ui.latest_job import LatestJob


def test_only_the_newest_result_is_delivered_and_a_drop_silences_all(qtbot) -> None:
    jobs = LatestJob()
    got: list[tuple[object, object]] = []
    jobs.sigDone.connect(lambda tag, result: got.append((tag, result)))
    gate = threading.Event()
    jobs.ask("a", lambda: gate.wait(5) and "A")  # running while b and c are asked for
    jobs.ask("b", lambda: "B")  # waits, then is replaced by c
    jobs.ask("c", lambda: "C")
    assert jobs.busy
    gate.set()
    qtbot.waitUntil(lambda: not jobs.busy, timeout=5000)
    jobs.wait()
    qtbot.wait(20)
    assert got == [("c", "C")]
    jobs.ask("d", lambda: "D")
    jobs.drop()
    assert not jobs.busy
    jobs.wait()
    qtbot.wait(50)
    assert got == [("c", "C")]


def test_a_value_error_is_reported(qtbot) -> None:
    jobs = LatestJob()

    def broken() -> None:
        raise ValueError("no such plane")

    with qtbot.waitSignal(jobs.sigFailed, timeout=5000) as failed:
        jobs.ask("x", broken)
    assert failed.args == ["no such plane"]
