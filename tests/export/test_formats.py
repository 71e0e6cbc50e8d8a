"""Each format decodes back to the frames that went in: count, size, order and colours."""

from __future__ import annotations

import hashlib
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from gdviz.export import GIF_FPS, GIF_SIZE, export_frames, output_paths
from gdviz.export.gif import gif_delay
from tests.export.probe import ffmpeg_stream_line, gif_blocks
from tests.export.synthetic import plot_frame, plot_frames, read_number

W, H = 328, 186  # even, not multiples of 16


def decoded_gif(path: Path) -> np.ndarray:
    return iio.imread(path, index=None, mode="RGB")  # (n, H, W, 3)


def decoded_mp4(path: Path) -> list[np.ndarray]:
    return list(iio.imiter(path, plugin="FFMPEG"))


def digest(*paths: Path) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()


def test_gif_decodes_to_every_frame_in_order_with_close_colours(tmp_path: Path) -> None:
    n = 40
    out = export_frames(plot_frames(n, W, H), tmp_path / "race.gif", fps=12.5, total=n)
    assert out == tmp_path / "race.gif"
    frames = decoded_gif(out)
    assert frames.shape == (n, H, W, 3)
    assert [read_number(f) for f in frames] == list(range(n))
    errors = [np.abs(f.astype(int) - plot_frame(k, n, W, H)).mean() for k, f in enumerate(frames)]
    assert max(errors) < 1.0


def test_gif_of_flat_colours_decodes_exactly(tmp_path: Path) -> None:
    frames = [np.full((H, W, 3), 255, np.uint8) for _ in range(4)]
    for k, f in enumerate(frames):
        f[20 + 10 * k: 30 + 10 * k, 40:80] = (214, 39, 40)
        f[100, : 50 * (k + 1)] = (31, 119, 180)
    out = export_frames(frames, tmp_path / "flat.gif", fps=4)
    assert np.array_equal(decoded_gif(out), np.stack(frames))


def test_gif_loops_forever_with_one_global_palette_and_true_timing(tmp_path: Path) -> None:
    n = 31
    out = export_frames(plot_frames(n, W, H), tmp_path / "race.gif", fps=GIF_FPS)
    gif = gif_blocks(out)
    assert (gif.width, gif.height, gif.loop) == (W, H, 0)
    assert gif.global_table > 0 and len(gif.frames) == n
    assert not any(f.local_table for f in gif.frames)
    assert [f.delay for f in gif.frames] == [gif_delay(GIF_FPS, k) for k in range(n)]
    assert sum(f.delay for f in gif.frames[:15]) == 100  # 15 frames at 15 fps: one second
    assert gif.frames[0].width == W and gif.frames[0].transparent is None
    # later frames draw the changed rectangle over the previous one, unchanged pixels clear
    assert all(f.disposal == 1 and f.transparent == gif.frames[1].transparent
               for f in gif.frames[1:])
    with Image.open(out) as im:
        assert im.info["loop"] == 0 and getattr(im, "n_frames", 1) == n


def test_gif_of_identical_frames_keeps_the_count(tmp_path: Path) -> None:
    still = plot_frame(0, 1, W, H)
    out = export_frames((still for _ in range(5)), tmp_path / "still.gif", fps=10)
    assert len(gif_blocks(out).frames) == 5
    assert decoded_gif(out).shape == (5, H, W, 3)


def test_palette_frames_give_colours_that_appear_late(tmp_path: Path) -> None:
    n = 20

    def late_colour(k: int) -> np.ndarray:  # a green patch appears in the last frames only
        f = plot_frame(k, n, W, H)
        if k >= n - 3:
            f[10:40, 200:260] = (44, 160, 44)
        return f

    plain = decoded_gif(export_frames(map(late_colour, range(n)), tmp_path / "a.gif", fps=10))
    told = decoded_gif(export_frames(map(late_colour, range(n)), tmp_path / "b.gif", fps=10,
                                     palette_frames=[late_colour(0), late_colour(n - 1)]))
    assert np.array_equal(told[-1, 20, 230], [44, 160, 44])
    assert np.abs(plain[-1, 20, 230].astype(int) - [44, 160, 44]).max() < 60  # cube fallback


def test_palette_frames_may_be_one_array_and_must_match_the_size(tmp_path: Path) -> None:
    stack = np.stack([plot_frame(k, 30, W, H) for k in range(30)])  # more than 16 frames
    out = export_frames(iter(stack), tmp_path / "a.gif", fps=10, palette_frames=stack)
    assert decoded_gif(out).shape == (30, H, W, 3)
    with pytest.raises(ValueError, match="palette frame 1 is 64×48, but the frames are"):
        export_frames(iter(stack), tmp_path / "b.gif", fps=10,
                      palette_frames=[stack[0], plot_frame(0, 1, 64, 48)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif"]


def test_ten_second_gif_at_default_size_is_small(tmp_path: Path) -> None:
    (w, h), n = GIF_SIZE, int(10 * GIF_FPS)
    out = export_frames(plot_frames(n, w, h), tmp_path / "ten.gif", fps=GIF_FPS,
                        palette_frames=[plot_frame(k, n, w, h) for k in (0, n // 2, n - 1)])
    assert out.stat().st_size < 10 * 2**20
    assert decoded_gif(out).shape == (n, h, w, 3)


def test_mp4_is_h264_yuv420p_at_the_exact_size_and_count(tmp_path: Path) -> None:
    n = 45
    out = export_frames(plot_frames(n, W, H), tmp_path / "race.mp4", fps=30, total=n)
    line = ffmpeg_stream_line(out)
    assert "h264" in line and "yuv420p" in line and f"{W}x{H}" in line and "30 fps" in line
    frames = decoded_mp4(out)
    assert len(frames) == n and frames[0].shape == (H, W, 3)
    assert [read_number(f) for f in frames] == list(range(n))
    errors = [np.abs(f.astype(int) - plot_frame(k, n, W, H)).mean() for k, f in enumerate(frames)]
    assert max(errors) < 3.0


def test_mp4_refuses_an_odd_size_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="MP4 needs an even width and height, got 641×360"):
        export_frames(plot_frames(3, 641, 360), tmp_path / "odd.mp4", fps=30)
    assert list(tmp_path.iterdir()) == []


def test_one_png_for_one_frame(tmp_path: Path) -> None:
    frame = plot_frame(0, 1, W, H)
    out = export_frames([frame], tmp_path / "shot.png", fps=1)
    assert out == tmp_path / "shot.png" and sorted(tmp_path.iterdir()) == [out]
    assert np.array_equal(iio.imread(out), frame)


def test_png_sequence_is_numbered_from_one_and_lossless(tmp_path: Path) -> None:
    n = 12
    out = export_frames(plot_frames(n, W, H), tmp_path / "race.png", fps=30)
    names = [f"race_{k:04d}.png" for k in range(1, n + 1)]
    assert out == tmp_path / names[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    assert output_paths(tmp_path / "race.png", n) == [tmp_path / name for name in names]
    for k, name in enumerate(names):
        assert np.array_equal(iio.imread(tmp_path / name), plot_frame(k, n, W, H))


def test_png_padding_grows_past_9999_frames(tmp_path: Path) -> None:
    assert output_paths(tmp_path / "a.png", 12345)[-1].name == "a_12345.png"
    assert output_paths(tmp_path / "a.png", 12345)[0].name == "a_00001.png"


def test_a_shorter_png_sequence_replaces_a_longer_one(tmp_path: Path) -> None:
    export_frames(plot_frames(6, 64, 48), tmp_path / "s.png", fps=30)
    (tmp_path / "s_2024.png").write_bytes(b"not ours")  # not part of the old run of names
    export_frames(plot_frames(3, 64, 48), tmp_path / "s.png", fps=30)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "s_0001.png", "s_0002.png", "s_0003.png", "s_2024.png"]


@pytest.mark.parametrize("ext", ["gif", "png", "mp4"])
def test_the_same_frames_give_the_same_bytes(tmp_path: Path, ext: str) -> None:
    """libx264 is deterministic for a fixed thread count, which the MP4 writer pins."""

    def export_into(folder: Path) -> str:
        folder.mkdir()
        export_frames(plot_frames(20, W, H), folder / f"x.{ext}", fps=10)
        return digest(*sorted(folder.iterdir()))

    assert export_into(tmp_path / "a") == export_into(tmp_path / "b")
