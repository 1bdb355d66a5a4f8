"""How long the JSON export and import of the demo life event take (opit export-/import-journey).

Loads the demo into a fresh SQLite file, then times, over several runs: export (read the life event
with its journey, prototype, iterations and tasks, and write the JSON text) and import (check the
file against the format and store it as a new life event, in one transaction). Also with three
1920×1080 PNG screenshots added to the prototype, since images dominate the file's size.

    .venv/bin/python benchmarks/journey_exchange_benchmark.py
"""

from __future__ import annotations

import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _results import write_section  # noqa: E402
from PIL import Image  # noqa: E402

from prototypes.demo import load_demo  # noqa: E402
from prototypes.exchange import dumps, loads  # noqa: E402
from prototypes.images import check_image  # noqa: E402
from prototypes.repository import prototype_by_slug  # noqa: E402
from prototypes.repository_exchange import read_document, write_document  # noqa: E402
from prototypes.repository_iterations import add_screenshot  # noqa: E402
from storage.db import connect  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

RUNS = 15
LIMIT = 20_000_000


def _screenshot(seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (1920, 1080), (245, 245, 240))
    for _ in range(60):
        x, y = rng.randrange(1800), rng.randrange(1000)
        colour = tuple(rng.randrange(256) for _ in range(3))
        image.paste(colour, (x, y, x + rng.randrange(20, 400), y + rng.randrange(10, 80)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def measure(database, label: str) -> tuple[str, float, float, int]:
    exports, imports = [], []
    size = 0
    for run in range(RUNS):
        started = time.perf_counter()
        with database.read() as session:
            text = dumps(read_document(session, "moving-home"))
        exports.append(time.perf_counter() - started)
        size = len(text.encode())
        started = time.perf_counter()
        doc = loads(text.encode(), LIMIT)
        with database.write() as session:
            write_document(session, doc, f"copy-{len(label)}-{run}")
        imports.append(time.perf_counter() - started)
    return label, statistics.median(exports), statistics.median(imports), size


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = connect(f"sqlite:///{folder}/bench.db")
        upgrade(database)
        load_demo(database)
        rows = [measure(database, "demo")]
        with database.write() as session:
            proto = prototype_by_slug(session, "online-address-change")
            for seed in range(3):
                image = check_image(_screenshot(seed), f"screen-{seed}.png", LIMIT)
                add_screenshot(session, proto.id, image)
        rows.append(measure(database, "demo + 3 screenshots"))
    lines = [
        "| life event | file size | export (median) | import (median) | export + import |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, export, imported, size in rows:
        lines.append(
            f"| {label} | {size / 1000:.0f} kB | {export * 1000:.1f} ms | {imported * 1000:.1f} ms "
            f"| {(export + imported) * 1000:.1f} ms |"
        )
        print(
            f"{label}: {size / 1000:.0f} kB, export {export * 1000:.1f} ms, "
            f"import {imported * 1000:.1f} ms"
        )
    body = (
        f"Median of {RUNS} runs on SQLite. The demo life event: 7 steps, 1 prototype, "
        "3 iterations, 14 tasks. Import includes checking the whole file and decoding every "
        "screenshot with Pillow.\n\n" + "\n".join(lines)
    )
    write_section(
        "journey_exchange",
        "Life-event JSON export and import",
        ".venv/bin/python benchmarks/journey_exchange_benchmark.py",
        body,
    )


if __name__ == "__main__":
    main()
