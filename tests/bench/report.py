"""Merges the benchmarks' JSON (artifacts/bench/*.json) into one table: each figure, its baseline,
the ratio and the target, and whether it is met. Writes results.md and results.json beside them.

Usage: report.py artifacts/bench
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Row:
    figure: str
    gatehouse: str
    baseline: str
    ratio: float | None
    target: str
    met: bool | None


def load(folder: Path, name: str) -> dict:
    path = folder / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def secs(v: float) -> str:
    return f"{v:.2f} s" if v >= 1 else f"{v * 1000:.0f} ms"


def ms(v: float) -> str:
    return f"{v:.0f} ms" if v >= 10 else f"{v:.1f} ms"


def mib(v: float) -> str:
    return f"{v:.0f} MiB"


def median_key(runs: list[dict], key: str) -> float:
    values = [r[key] for r in runs if r and r.get(key, -1) >= 0]
    return statistics.median(values) if values else float("nan")


def desktop_rows(d: dict) -> list[Row]:
    rows: list[Row] = []
    start = d.get("start")
    if start:
        c = start["cold_start_secs"]
        rows.append(Row("Cold start to the first interactive frame (demo portfolio)", secs(c["app"]),
                        f"Chromium: {secs(c['chromium'])}", c["app"] / c["chromium"], "< 1 (faster)",
                        c["app"] < c["chromium"]))
        m = start["idle_pss_mib"]
        rows.append(Row("Memory idle after start (PSS, every process)", mib(m["app"]),
                        f"Chromium: {mib(m['chromium'])} ({mib(m['chromium_with_engine'])} with the engine host)",
                        m["app"] / m["chromium"], "< 1", m["app"] < m["chromium"]))
        rows.append(Row("Memory idle after start, against a hello-world Tauri window", mib(m["app"]),
                        f"hello window: {mib(m['hello_tauri'])}", m["app"] / m["hello_tauri"], "<= 1.5",
                        m["app"] <= 1.5 * m["hello_tauri"]))
    loaded = d.get("loaded")
    if loaded:
        a, b = loaded["app_pss_mib"], loaded["chromium_pss_mib"]
        rows.append(Row("Memory with 10,000 ad accounts in the assign screen", mib(a),
                        f"Chromium: {mib(b)} ({mib(loaded['chromium_with_engine_pss_mib'])} with the engine host)",
                        a / b, "< 1", a < b))
        hello = start["idle_pss_mib"]["hello_tauri"] if start else None
        if hello:
            rows.append(Row("Memory with 10,000 ad accounts, against a hello-world Tauri window", mib(a),
                            f"hello window: {mib(hello)}", a / hello, "<= 1.5", a <= 1.5 * hello))
        k_app = median_key(loaded["app_keystrokes"], "committed")
        k_chrome = median_key(loaded["chromium_keystrokes"], "committed")
        rows.append(Row("Filter keystroke at 10,000 rows (committed, in the page)", ms(k_app),
                        f"target 16 ms; Chromium: {ms(k_chrome)}", k_app / 16, "<= 16 ms", k_app <= 16))
    big = d.get("big")
    if big:
        trip = big["first_page_round_trip_secs"] * 1000
        first = big["open"]["first"]
        rows.append(Row("Assign screen at 100,000: first rows on screen", ms(first),
                        f"one round trip ({ms(trip)}) + 100 ms", first / (trip + 100), "<= 1", first <= trip + 100))
        rows.append(Row("Assign screen at 100,000: the full list", ms(big["open"]["full"]),
                        "a round trip per page of 500, in sequence", None, "", None))
        k = median_key(big["keystrokes"], "committed")
        rows.append(Row("Filter keystroke at 100,000 rows (committed, in the page)", ms(k), "target 50 ms",
                        k / 50, "<= 50 ms", k <= 50))
        scroll = big["scroll"]
        rows.append(Row("Rendered list rows in the DOM at 100,000", str(scroll["rows"]), "target < 100",
                        scroll["rows"] / 100, "< 100", scroll["rows"] < 100))
        idle = statistics.median(scroll["idle"][1:])
        frames = scroll["frames"][1:]
        dropped = sum(1 for f in frames if f > 1.5 * idle)
        rows.append(Row("Scrolling 100,000 rows: frames later than 1.5x the idle frame",
                        f"{dropped} of {len(frames)} (median {ms(statistics.median(frames))})",
                        f"idle frame here: {ms(idle)}", None, "few", None))
    bulk = d.get("bulk")
    if bulk:
        ui, engine = bulk["ui_secs"], bulk["engine_secs"]
        rows.append(Row("1,000 assignments through the UI at 50 ms latency", secs(ui),
                        f"the engine's own time: {secs(engine)}", ui / engine, "<= 1.10", ui <= 1.1 * engine))
        rows.append(Row("  …the window answering during the run (longest main-thread stall)",
                        ms(bulk["max_timer_lag_ms"]), f"longest frame gap {ms(bulk['max_frame_gap_ms'])}",
                        None, "< 100 ms", bulk["max_timer_lag_ms"] < 100))
        rows.append(Row("  …assignments the emulator holds afterwards", str(bulk["assignments_in_emulator"]),
                        "1000", None, "exactly 1,000", bulk["assignments_in_emulator"] == 1000))
    return rows


def sdk_rows(s: dict) -> list[Row]:
    rows: list[Row] = []
    for key in ("listing", "assigning"):
        part = s.get(key)
        if not part:
            continue
        m = part["methods"]
        ours = m["gatehouse_cli"]["seconds_median"]
        careful, usual = m["sdk_careful"]["seconds_median"], m["sdk_usual"]["seconds_median"]
        floor = part["floor"]["seconds"]
        rows.append(Row(f"{part['title']}: the CLI against Meta's SDK the careful way", secs(ours),
                        f"{m['sdk_careful']['label']}: {secs(careful)}", ours / careful, "< 1", ours < careful))
        rows.append(Row(f"{part['title']}: the CLI against Meta's SDK the usual way", secs(ours),
                        f"{m['sdk_usual']['label']}: {secs(usual)}", ours / usual, "< 1", ours < usual))
        rows.append(Row(f"{part['title']}: the CLI against the round-trip floor", secs(ours),
                        f"floor {secs(floor)} ({part['floor']['how']})", ours / floor, "<= 1.5", ours <= 1.5 * floor))
        if "gatehouse_cli_chained" in m:
            chained = m["gatehouse_cli_chained"]["seconds_median"]
            rows.append(Row(f"{part['title']}: the CLI with chained batch paging (doctor-confirmed)", secs(chained),
                            f"plain paging: {secs(ours)}; floor {secs(floor)}", chained / floor, "< 1 (below the floor)",
                            chained < floor))
    return rows


def size_rows(s: dict) -> list[Row]:
    if not s:
        return []
    return [
        Row("Release binary (stripped)", mib(s["binary_mib"]), "", None, "", None),
        Row(f"Debian package ({s['deb_name']})", mib(s["deb_mib"]), "", None, "", None),
        Row("AppImage", "not built", "Tauri's AppImage bundler downloads linuxdeploy from GitHub", None, "", None),
    ]


def render(rows: list[Row]) -> str:
    lines = ["| figure | Gatehouse | baseline | ratio | target | met |", "|---|---|---|---|---|---|"]
    for r in rows:
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}"
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.figure} | {r.gatehouse} | {r.baseline} | {ratio} | {r.target} | {met} |")
    return "\n".join(lines)


def main() -> None:
    folder = Path(sys.argv[1])
    desktop, sdk, sizes = load(folder, "desktop"), load(folder, "sdk"), load(folder, "sizes")
    rows = desktop_rows(desktop) + sdk_rows(sdk) + size_rows(sizes)
    machine = (
        f"{os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}, under Xvfb; "
        f"load average at the end {os.getloadavg()[0]:.1f}"
    )
    table = render(rows)
    graph = folder / "graph.txt"
    text = f"Measured on: {machine}\n\n{table}\n"
    if graph.exists():
        text += "\nThe client alone (crates/gatehouse-graph/examples/bench.rs):\n\n" + graph.read_text()
    (folder / "results.md").write_text(text)
    (folder / "results.json").write_text(json.dumps(
        {"machine": machine, "desktop": desktop, "sdk": sdk, "sizes": sizes,
         "rows": [r.__dict__ for r in rows]}, indent=1))
    print(text)
    missed = [r.figure for r in rows if r.met is False]
    print(f"{len(rows)} figures; targets missed: {len(missed)}" + "".join(f"\n  - {m}" for m in missed))


if __name__ == "__main__":
    main()
