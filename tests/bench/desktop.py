"""The desktop benchmarks, each beside its baseline in the same run (scripts/bench.sh runs this
inside Xvfb and a D-Bus session with an unlocked keyring, with tauri-driver on 127.0.0.1:4444):

- cold start: process start to the first interactive frame of the demo portfolio (the UI's
  `gatehouse:first-interactive` mark, ui/src/firstInteractive.ts), the release app against the
  same ui/ sources built for the browser and opened in Debian's Chromium against the dev/test
  host (the same engine over HTTP); fresh folders and profiles every run;
- memory: PSS of every process of each (WebKit's and Chromium's helpers included) idle after
  start and with 10,000 ad accounts in the assign screen, and of a hello-world Tauri window. The
  engine host is counted with Chromium, as the app carries its engine inside;
- big lists: the assign screen at 10,000 and 100,000 ad accounts, measured in the page;
- bulk work: 1,000 ad accounts assigned through the UI at 50 ms injected latency, against the
  engine's own time for the same job (its row in the app's database), with the window's
  responsiveness measured during the run.

Figures are medians over the runs, written as JSON to --out (scripts/bench.sh merges and prints).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.options import Options as ChromeOptions
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support.ui import WebDriverWait

import procs

MARK = "gatehouse:first-interactive"
TAURI_DRIVER = "http://127.0.0.1:4444"
CHROMIUM = "/usr/lib/chromium/chromium"  # the real binary, not Debian's wrapper script
SETTLE_SECS = 3.0


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    """A Graph API emulator on 127.0.0.1 with `fixture`."""

    def __init__(self, binary: str, fixture: str):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [binary, "--fixture", fixture, "--port", str(self.port)], stdout=subprocess.PIPE, text=True
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            raise RuntimeError(f"the emulator ({fixture}) did not start")
        self.manifest = json.loads(line)
        self.url = self.manifest["url"]
        self.agency = self.manifest["businesses"][0]

    def control(self, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            self.manifest["control_url"] + path,
            data=None if body is None else json.dumps(body).encode(),
            headers={"x-emulator-control": self.manifest["control_secret"], "content-type": "application/json"},
            method="GET" if body is None else "POST",
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read() or b"{}")

    def set_latency(self, ms: int) -> None:
        self.control("/faults", {"latency_ms": ms})

    def first_page_secs(self) -> float:
        """One round trip for the first page of the agency's ad accounts, as the app asks it."""
        query = urllib.parse.urlencode(
            {"limit": 500, "fields": "id,name,account_status,currency", "access_token": self.agency["admin_token"]}
        )
        url = f"{self.url}/{self.manifest['api_version']}/{self.agency['id']}/owned_ad_accounts?{query}"
        times = []
        for _ in range(5):
            started = time.perf_counter()
            with urllib.request.urlopen(url, timeout=30) as answer:
                answer.read()
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


class Window:
    """A WebDriver session on a page of the UI, with the process tree behind it."""

    driver: webdriver.Remote
    root_pid: int
    extra_pids: list[int]

    def wait(self, timeout: float = 60) -> WebDriverWait:
        return WebDriverWait(self.driver, timeout, poll_frequency=0.05, ignored_exceptions=(StaleElementReferenceException,))

    def interactive_at(self) -> float:
        """The first interactive frame, in Unix seconds (the page's clock, which is the wall clock)."""
        script = (
            f"const e = performance.getEntriesByName('{MARK}')[0];"
            "return e ? (performance.timeOrigin + e.startTime) / 1000 : null;"
        )
        return self.wait().until(lambda d: d.execute_script(script))

    def cold_start_secs(self) -> float:
        return self.interactive_at() - procs.started_at(self.root_pid)

    def pss_mib(self) -> dict[str, float]:
        own = procs.pss_mib(procs.descendants(self.root_pid))
        extra = procs.pss_mib([p for pid in self.extra_pids for p in procs.descendants(pid)])
        return {"window": own, "with_engine": own + extra}

    def script(self, source: str, *args):
        return self.driver.execute_async_script(source, *args)

    def quit(self) -> None:
        try:
            self.driver.quit()
        except Exception as e:  # a window that already went away has nothing left to close
            log(f"closing the session: {e}")


class Desktop(Window):
    """A Tauri binary started by tauri-driver, with folders of its own (a first run)."""

    def __init__(self, binary: str, home: Path, graph_url: str | None = None, env: dict | None = None):
        home.mkdir(parents=True, exist_ok=True)
        self.home = home
        wrapper = home / "launch"
        env = {
            "XDG_CONFIG_HOME": home / "config",
            "XDG_DATA_HOME": home / "data",
            "XDG_CACHE_HOME": home / "cache",
            **({"GATEHOUSE_GRAPH_URL": graph_url} if graph_url else {}),
            **(env or {}),
        }
        lines = [f'export {k}="{v}"' for k, v in env.items()]
        wrapper.write_text("#!/bin/sh\n" + "\n".join(lines) + f'\nexec "{binary}" "$@"\n')
        wrapper.chmod(0o755)
        options = ArgOptions()
        options.set_capability("browserName", "wry")
        options.set_capability("tauri:options", {"application": str(wrapper)})
        self.driver = webdriver.Remote(command_executor=TAURI_DRIVER, options=options)
        pid = procs.newest_with_exe(binary)
        if pid is None:
            raise RuntimeError(f"{binary} is not running")
        self.root_pid, self.extra_pids = pid, []

    def database(self) -> Path:
        found = list((self.home / "data").rglob("*.sqlite3"))
        if not found:
            raise RuntimeError("the app's database was not found")
        return found[0]


class DevHost:
    """The dev/test host: the engine over HTTP, a fresh one per run."""

    def __init__(self, binary: str, graph_url: str | None = None):
        env = dict(os.environ)
        if graph_url:
            env["GATEHOUSE_GRAPH_URL"] = graph_url
        self.proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            raise RuntimeError("the dev host did not start")
        ready = json.loads(line)
        self.fragment = urllib.parse.urlencode({"devhost": ready["url"], "secret": ready["secret"]})

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


class Browser(Window):
    """The UI's browser build in Debian's Chromium (fresh profile) against a fresh dev host."""

    def __init__(self, page_url: str, devhost_bin: str, home: Path, graph_url: str | None = None):
        home.mkdir(parents=True, exist_ok=True)
        self.host = DevHost(devhost_bin, graph_url)
        options = ChromeOptions()
        options.binary_location = CHROMIUM
        # --no-sandbox: Chromium refuses to start as root otherwise (CI runs as root).
        for arg in ("--no-sandbox", "--no-first-run", f"--user-data-dir={home / 'profile'}", "--window-size=1280,800",
                    f"--app={page_url}#{self.host.fragment}"):
            options.add_argument(arg)
        self.service = ChromeService(executable_path="/usr/bin/chromedriver", port=free_port())
        self.driver = webdriver.Chrome(service=self.service, options=options)
        pid = next(
            (p for p in procs.descendants(self.service.process.pid)
             if p != self.service.process.pid and os.path.realpath(f"/proc/{p}/exe") == CHROMIUM),
            None,
        )
        if pid is None:
            raise RuntimeError("Chromium is not running")
        self.root_pid, self.extra_pids = pid, [self.host.proc.pid]

    def quit(self) -> None:
        super().quit()
        self.host.close()


class StaticSite:
    """ui/dist-preview served on 127.0.0.1 (a thread of this process)."""

    def __init__(self, directory: Path):
        handler = functools.partial(QuietHandler, directory=str(directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/preview.html"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


# ----- the page's side ------------------------------------------------------------------------

def connect(window: Window, emulator: Emulator) -> None:
    """Connects the emulator's agency through the Connect screen (pasting its admin token)."""
    agency, own_app = emulator.agency, emulator.agency["apps"][0]
    d, wait = window.driver, window.wait()
    d.execute_script("location.hash = '#/connect'")
    wait.until(lambda d: d.find_element(By.XPATH, "//*[@role='tab' and normalize-space()='Paste an admin token']")).click()
    for label, value in (("Business ID", agency["id"]), ("Admin token", agency["admin_token"]),
                         ("App ID", own_app["id"]), ("App secret", own_app["secret"])):
        lab = wait.until(lambda d: d.find_element(By.XPATH, f"//label[normalize-space()='{label}']"))
        d.find_element(By.ID, lab.get_attribute("for")).send_keys(value)
    d.find_element(By.XPATH, "//button[normalize-space()='Check']").click()
    wait.until(lambda d: d.find_element(By.XPATH, "//button[normalize-space()='Save portfolio' and not(@disabled)]")).click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f"[role='grid'][aria-label='System users of {agency['name']}']"))


OPEN_ASSIGN = """
const [hash, done] = arguments;
// Opens the assign screen and its Ad accounts tab as soon as the tab exists, then times until the
// first ad account row is in the page (first) and until the count no longer says "so far"
// (full), each with the frame after (painted).
const start = performance.now();
let first = null, firstPainted = null, clicked = false;
const painted = (then) => requestAnimationFrame(() => setTimeout(() => then(performance.now() - start), 0));
const step = (observer) => {
  if (!clicked) {
    const tab = [...document.querySelectorAll("[role='tab']")].find((t) => t.textContent.trim().startsWith('Ad accounts'));
    if (tab) { tab.click(); clicked = true; }
  }
  if (first === null && document.querySelector("[role='listbox'][aria-label='Ad accounts'] [role='option']")) {
    first = performance.now() - start;
    painted((t) => { firstPainted = t; });
  }
  const status = [...document.querySelectorAll("[role='status']")].find((el) => /ad accounts/.test(el.textContent));
  if (first !== null && status && !/so far/.test(status.textContent)) {
    const full = performance.now() - start;
    observer.disconnect();
    painted((t) => done({ first, firstPainted, full, fullPainted: t }));
  }
};
const observer = new MutationObserver(() => step(observer));
observer.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
location.hash = hash;
setTimeout(() => done({ first: -1, firstPainted: -1, full: -1, fullPainted: -1 }), 170000);
"""

KEYSTROKE = """
const [text, done] = arguments;
const input = document.querySelector("input[placeholder='Name or ID']");
const status = [...document.querySelectorAll("[role='status']")].find((s) => /ad accounts/.test(s.textContent));
const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
const before = status.textContent;
const start = performance.now();
// When the first frame after the keystroke began: before `committed`, the list changed a frame late.
let frame = -1;
requestAnimationFrame(() => { frame = performance.now() - start; });
new MutationObserver((_, observer) => {
  if (status.textContent === before) return;
  const committed = performance.now() - start;
  observer.disconnect();
  requestAnimationFrame(() => setTimeout(() => done({ committed, frame, painted: performance.now() - start }), 0));
}).observe(status, { childList: true, characterData: true, subtree: true });
setter.call(input, text);
input.dispatchEvent(new Event('input', { bubbles: true }));
setTimeout(() => done({ committed: -1, painted: -1 }), 10000);
"""

SCROLL = """
const done = arguments[arguments.length - 1];
const list = document.querySelector("[role='listbox'][aria-label='Ad accounts']");
const frames = [];
let last = performance.now();
const idle = [];
const measure = (into, count, step, then) => {
  let n = 0;
  const tick = (now) => {
    into.push(now - last); last = now;
    if (step) list.scrollTop += step;
    if (++n < count) requestAnimationFrame(tick); else then();
  };
  last = performance.now();
  requestAnimationFrame(tick);
};
measure(idle, 30, 0, () => measure(frames, 120, 240, () => {
  const rows = list.querySelectorAll("[role='option']").length;
  done({ idle, frames, rows });
}));
"""

RUN_JOB = """
const done = arguments[arguments.length - 1];
const apply = [...document.querySelectorAll('button')].find((b) => /^Apply [0-9,]+ changes$/.test(b.textContent.trim()));
// The window's answer to input while the job runs: how late a 10 ms timer fires (the main
// thread's longest stall), and the longest gap between frames.
let lag = 0, gap = 0, ticks = 0, running = true;
const probe = () => {
  const planned = performance.now() + 10;
  setTimeout(() => { lag = Math.max(lag, performance.now() - planned); ticks++; if (running) probe(); }, 10);
};
let lastFrame = performance.now();
const frame = (now) => { gap = Math.max(gap, now - lastFrame); lastFrame = now; if (running) requestAnimationFrame(frame); };
const start = performance.now();
const startedAt = (performance.timeOrigin + start) / 1000;
new MutationObserver((_, observer) => {
  const more = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Assign more assets');
  if (!more) return;
  observer.disconnect();
  const finished = performance.now() - start;
  requestAnimationFrame(() => setTimeout(() => { running = false; done({ startedAt, finished, painted: performance.now() - start, lag, gap, ticks }); }, 0));
}).observe(document.body, { childList: true, subtree: true, characterData: true });
probe(); requestAnimationFrame(frame);
apply.click();
setTimeout(() => { running = false; done(null); }, 600000);
"""


def click_text(window: Window, tag: str, text: str) -> None:
    window.wait().until(lambda d: d.find_element(By.XPATH, f"//{tag}[normalize-space()='{text}' and not(@disabled)]")).click()


def open_assign(window: Window, emulator: Emulator) -> dict:
    window.driver.set_script_timeout(180)
    hash_ = f"#/system-users/{emulator.agency['admin_system_user_id']}/assign"
    return window.script(OPEN_ASSIGN, hash_)


def connected_assign_screen(window: Window, emulator: Emulator) -> tuple[dict, str]:
    """From start: the emulator's agency connected, its assign screen open on ad accounts with
    every one listed. Returns the in-page timing of the first rows and the list's count."""
    window.interactive_at()
    connect(window, emulator)
    opened = open_assign(window, emulator)
    return opened, list_status(window)


def list_status(window: Window) -> str:
    return window.wait(180).until(
        # The whole list: its count no longer says "so far".
        lambda d: next((s.text for s in d.find_elements(By.CSS_SELECTOR, "[role='status']")
                        if "ad accounts" in s.text and "so far" not in s.text), None)
    )


def keystrokes(window: Window) -> list[dict]:
    window.driver.set_script_timeout(30)
    # Narrowing, widening back, a word in no name, and back: each one input event.
    return [window.script(KEYSTROKE, text) for text in ("Prospecting", "", "Kestrel", "", "zzz-none", "")]


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


# ----- the benchmarks ------------------------------------------------------------------------

def start_and_idle(args, work: Path) -> dict:
    """Cold start and idle memory, the app and Chromium alternating, and the hello window."""
    site = StaticSite(Path(args.preview_dir))
    app_starts, app_idle, chrome_starts, chrome_idle, chrome_engine, hello_idle = [], [], [], [], [], []
    for run in range(args.runs):
        log(f"start-up run {run + 1}/{args.runs}: the app")
        app = Desktop(args.app, work / f"app-{run}")
        try:
            app_starts.append(app.cold_start_secs())
            time.sleep(SETTLE_SECS)
            app_idle.append(app.pss_mib()["window"])
        finally:
            app.quit()
        log(f"start-up run {run + 1}/{args.runs}: Chromium")
        chrome = Browser(site.url, args.devhost, work / f"chrome-{run}")
        try:
            chrome_starts.append(chrome.cold_start_secs())
            time.sleep(SETTLE_SECS)
            pss = chrome.pss_mib()
            chrome_idle.append(pss["window"])
            chrome_engine.append(pss["with_engine"])
        finally:
            chrome.quit()
        log(f"start-up run {run + 1}/{args.runs}: the hello-world Tauri window")
        hello = Desktop(args.hello, work / f"hello-{run}")
        try:
            time.sleep(SETTLE_SECS)
            hello_idle.append(hello.pss_mib()["window"])
        finally:
            hello.quit()
    site.server.shutdown()
    med = statistics.median
    return {
        "cold_start_secs": {"app": med(app_starts), "chromium": med(chrome_starts),
                            "app_runs": app_starts, "chromium_runs": chrome_starts},
        "idle_pss_mib": {"app": med(app_idle), "chromium": med(chrome_idle),
                         "chromium_with_engine": med(chrome_engine), "hello_tauri": med(hello_idle)},
    }


def loaded_10000(args, work: Path) -> dict:
    """Memory with 10,000 ad accounts in the assign screen, the app and Chromium; the list's
    figures at 10,000 in the app."""
    emulator = Emulator(args.emulator, "scale:10000")
    site = StaticSite(Path(args.preview_dir))
    out: dict = {"first_page_round_trip_secs": emulator.first_page_secs()}
    try:
        log("10,000 ad accounts: the app")
        app = Desktop(args.app, work / "app-10k", emulator.url)
        try:
            out["app_open"], out["app_status"] = connected_assign_screen(app, emulator)
            time.sleep(SETTLE_SECS)
            out["app_pss_mib"] = app.pss_mib()["window"]
            out["app_keystrokes"] = keystrokes(app)
        finally:
            app.quit()
        log("10,000 ad accounts: Chromium")
        chrome = Browser(site.url, args.devhost, work / "chrome-10k", emulator.url)
        try:
            out["chromium_open"], _ = connected_assign_screen(chrome, emulator)
            time.sleep(SETTLE_SECS)
            pss = chrome.pss_mib()
            out["chromium_pss_mib"], out["chromium_with_engine_pss_mib"] = pss["window"], pss["with_engine"]
            out["chromium_keystrokes"] = keystrokes(chrome)
        finally:
            chrome.quit()
    finally:
        site.server.shutdown()
        emulator.close()
    return out


def big_list(args, work: Path) -> dict:
    """The assign screen at 100,000 ad accounts in the app: first rows, keystrokes, DOM rows,
    scrolling frames."""
    emulator = Emulator(args.emulator, "scale:100000")
    out: dict = {"first_page_round_trip_secs": emulator.first_page_secs()}
    try:
        log("100,000 ad accounts: the app")
        app = Desktop(args.app, work / "app-100k", emulator.url)
        try:
            out["open"], out["status"] = connected_assign_screen(app, emulator)
            time.sleep(1)
            out["keystrokes"] = keystrokes(app)
            app.driver.set_script_timeout(60)
            out["scroll"] = app.script(SCROLL)
            out["pss_mib"] = app.pss_mib()["window"]
        finally:
            app.quit()
    finally:
        emulator.close()
    return out


def bulk(args, work: Path) -> dict:
    """1,000 ad accounts assigned through the UI at 50 ms latency; the engine's own time for the
    same job from the app's database."""
    emulator = Emulator(args.emulator, "scale:1000")
    try:
        log("1,000 assignments through the UI")
        app = Desktop(args.app, work / "app-bulk", emulator.url)
        try:
            connected_assign_screen(app, emulator)
            # The agency's own 1,000 (the fixture's clients share theirs too).
            click_text(app, "label", "Owned")
            click_text(app, "button", "Select all 1,000 matching")
            # The access the screen proposes (partial, its default tasks).
            click_text(app, "button", "Review changes")
            app.wait().until(lambda d: d.find_element(By.XPATH, "//button[normalize-space()='Apply 1,000 changes']"))
            app.wait().until(lambda d: not d.find_elements(By.XPATH, "//*[starts-with(normalize-space(), 'Comparing with what')]"))
            emulator.set_latency(args.latency_ms)
            app.driver.set_script_timeout(600)
            run = app.script(RUN_JOB)
            emulator.set_latency(0)
            if run is None:
                raise RuntimeError("the job did not finish")
            with sqlite3.connect(app.database()) as db:
                created, updated, status = db.execute(
                    "SELECT created_at, updated_at, status FROM jobs ORDER BY created_at DESC LIMIT 1"
                ).fetchone()
            state = emulator.control("/state")
        finally:
            app.quit()
    finally:
        emulator.close()
    assigned = sum(1 for a in state.get("assignments", []) if a.get("user") == emulator.agency["admin_system_user_id"])
    return {
        "ui_secs": run["painted"] / 1000,
        "ui_finished_secs": run["finished"] / 1000,
        "engine_secs": updated - created,
        "ui_started_to_engine_created_secs": created - run["startedAt"],
        "job_status": status,
        "max_timer_lag_ms": run["lag"],
        "max_frame_gap_ms": run["gap"],
        "timer_ticks": run["ticks"],
        "assignments_in_emulator": assigned,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--app", required=True)
    parser.add_argument("--hello", required=True)
    parser.add_argument("--devhost", required=True)
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--preview-dir", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--only", default="start,loaded,big,bulk")
    parser.add_argument("--out", required=True, help="the JSON file, rewritten after each step")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gatehouse-bench-"))
    results: dict = {}
    failed = []
    try:
        steps = {"start": start_and_idle, "loaded": loaded_10000, "big": big_list, "bulk": bulk}
        for name in args.only.split(","):
            # A step that fails is reported and the others still run.
            try:
                results[name] = steps[name](args, work)
            except Exception as e:
                log(f"{name} failed: {e!r}")
                failed.append(name)
            Path(args.out).write_text(json.dumps(results, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
