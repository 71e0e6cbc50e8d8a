"""Looking inside exported files: the GIF block structure and ffmpeg's view of an MP4."""

from __future__ import annotations

import re
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import imageio_ffmpeg


@dataclass
class GifFrame:
    x: int
    y: int
    width: int
    height: int
    local_table: bool
    delay: int  # hundredths of a second
    disposal: int
    transparent: int | None


@dataclass
class GifFile:
    width: int
    height: int
    global_table: int  # entries, 0 if none
    loop: int | None = None  # NETSCAPE loop count; 0 = forever
    frames: list[GifFrame] = field(default_factory=list)


def gif_blocks(path: Path) -> GifFile:
    """Walk a GIF's blocks (GIF89a spec) and describe the screen and each frame."""
    data = path.read_bytes()
    assert data[:6] == b"GIF89a"
    width, height, packed = struct.unpack_from("<HHB", data, 6)
    table = 2 << (packed & 7) if packed & 0x80 else 0
    gif = GifFile(width, height, table)
    pos = 13 + 3 * table
    control = (0, 0, None)
    while data[pos] != 0x3B:
        if data[pos] == 0x21:
            label, pos = data[pos + 1], pos + 2
            blocks = []
            while data[pos]:
                blocks.append(data[pos + 1: pos + 1 + data[pos]])
                pos += 1 + data[pos]
            pos += 1
            if label == 0xF9:
                flags, delay, index = struct.unpack("<BHB", blocks[0])
                control = (delay, (flags >> 2) & 7, index if flags & 1 else None)
            elif label == 0xFF and blocks[0] == b"NETSCAPE2.0":
                gif.loop = struct.unpack("<H", blocks[1][1:3])[0]
        else:
            assert data[pos] == 0x2C, f"unexpected block {data[pos]:#x} at {pos}"
            x, y, w, h, flags = struct.unpack_from("<HHHHB", data, pos + 1)
            pos += 10 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0) + 1  # + LZW size
            while data[pos]:
                pos += 1 + data[pos]
            pos += 1
            gif.frames.append(GifFrame(x, y, w, h, bool(flags & 0x80), *control))
            control = (0, 0, None)
    assert pos == len(data) - 1, "bytes after the trailer"
    return gif


def ffmpeg_stream_line(path: Path) -> str:
    """ffmpeg's one-line description of the first video stream of ``path``."""
    run = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                         capture_output=True, text=True)
    match = re.search(r"Stream #0:0.*Video: .*", run.stderr)
    assert match, run.stderr
    return match.group(0)
