"""Whether a display answers, asked before Qt could abort the process."""

import socket

import pytest

from gdviz.cli.display import _x_server_answers, missing_display


def test_a_listening_tcp_display_answers_and_a_closed_one_does_not() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        port = server.getsockname()[1]
        if port < 6000:
            pytest.skip("the free port is below the X range")
        server.listen()
        display = f"127.0.0.1:{port - 6000}"
        assert _x_server_answers(display)
        assert missing_display({"DISPLAY": display}, "linux") is None
    assert not _x_server_answers(display)  # closed now: nothing accepts
    reason = missing_display({"DISPLAY": display}, "linux")
    assert reason is not None and "no X server answers" in reason


def test_unknown_display_forms_are_left_to_qt() -> None:
    assert _x_server_answers("weird display name")
