"""The real Gatehouse binary driven through tauri-driver (WebDriver on 127.0.0.1:4444).

Run by scripts/lib/in-session.sh inside Xvfb and a D-Bus session with an unlocked GNOME Keyring.
Every test leaves a screenshot of the window in artifacts/e2e/<test>.png.
"""

import json
import os
import pathlib
import subprocess
import tempfile
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"
DRIVER_URL = os.environ.get("GATEHOUSE_WEBDRIVER_URL", "http://127.0.0.1:4444")


def app_binary() -> str:
    path = os.environ.get("GATEHOUSE_APP_BIN")
    if not path:
        target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
        path = os.path.join(target, "debug", "gatehouse-desktop")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"The app binary {path} is missing: build it with scripts/test.sh")
    return path


class App:
    """A thin helper over the WebDriver session with the waits the tests need."""

    def __init__(self, driver: webdriver.Remote, name: str):
        self.driver = driver
        self.name = name
        # A React re-render can replace a node between finding it and reading it: try again.
        self.wait = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,))

    def screenshot(self, step: str) -> None:
        """Saves the window mid-test as artifacts/e2e/<test>--<step>.png."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.driver.get_screenshot_as_file(str(ARTIFACTS / f"{self.name}--{step}.png"))

    def heading(self, text: str):
        return self.wait.until(
            EC.visibility_of_element_located((By.XPATH, f"//h1[normalize-space()='{text}']"))
        )

    def text(self, text: str):
        return self.wait.until(
            EC.visibility_of_element_located((By.XPATH, f"//*[normalize-space(text())='{text}']"))
        )

    def link(self, name: str):
        return self.wait.until(
            EC.element_to_be_clickable((By.XPATH, f"//nav//a[normalize-space()='{name}']"))
        )

    def portfolio_menu(self, item: str) -> None:
        """Opens the portfolio switcher and chooses the item whose text contains `item`."""
        # The card is a button named by what it shows, ending in "Switch portfolio".
        self.driver.find_element(By.XPATH, "//button[contains(., 'Switch portfolio')]").click()
        self.wait.until(
            lambda d: d.find_element(By.XPATH, f"//*[@role='menuitem' and contains(., '{item}')]")
        ).click()

    def open_portfolio(self, name: str) -> None:
        """Switches to the portfolio named `name` and waits until the switch has landed (the
        card names it and the menu is closed), so a click that follows is not undone by it."""
        self.portfolio_menu(name)
        self.wait.until(
            lambda d: not d.find_elements(By.CSS_SELECTOR, "[role='menu']")
            and name in d.find_element(By.XPATH, "//button[contains(., 'Switch portfolio')]").text
        )

    def button(self, name: str):
        return self.wait.until(
            EC.element_to_be_clickable((By.XPATH, f"//button[normalize-space()='{name}']"))
        )


# ----- the leak scan ---------------------------------------------------------------------------
# Every token and secret the run used or created is remembered here (in memory only), and after
# the whole suite every file the app could have written, the emulator's request log and every
# process's command line and environment are searched for them. One hit fails the run.

SECRETS: set[str] = set()
# What existed only while a process ran: (where, contents).
EVIDENCE: list[tuple[str, bytes]] = []


def record_measure(line: str) -> None:
    """A figure measured in the real window, kept in artifacts/e2e/measures.txt (pytest hides
    what a passing test prints)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open(ARTIFACTS / "measures.txt", "a", encoding="utf-8") as out:
        out.write(line + "\n")
    print(line)


def remember_secret(value) -> None:
    if isinstance(value, str) and len(value) >= 8:
        SECRETS.add(value)


def remember_manifest(manifest: dict) -> None:
    """The fixture's tokens and app secrets (the in-app demo serves the same fixture and seed)."""
    for b in manifest["businesses"]:
        remember_secret(b.get("admin_token"))
        remember_secret(b.get("user_token"))
        for a in b.get("apps", []) + b.get("developer_apps", []):
            remember_secret(a.get("secret"))


def snapshot_processes(label: str) -> None:
    """Every readable process's command line and environment, now."""
    for proc in pathlib.Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        for part in ("cmdline", "environ"):
            try:
                EVIDENCE.append((f"{part} of process {proc.name} ({label})", (proc / part).read_bytes()))
            except OSError:
                pass  # gone, or another user's


def find_leaks(secrets, roots, evidence, exclude=()) -> tuple[list[str], int, int]:
    """Where any of `secrets` (raw or URL-encoded) occurs: in files under `roots` (but not under
    `exclude`) or in `evidence`. Returns (hits, files scanned, bytes scanned). Hits name the
    place and the secret's last four characters only."""
    needles = []
    for secret in secrets:
        forms = {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}
        needles.extend((secret[-4:], form.encode()) for form in forms)
    hits, files, size = [], 0, 0

    def search(where: str, data: bytes) -> None:
        for tail, needle in needles:
            if needle in data:
                hits.append(f"…{tail} in {where}")

    excluded = [pathlib.Path(e) for e in exclude]
    for root in roots:
        root = pathlib.Path(root)
        if not root.exists():
            continue
        for path in [root] if root.is_file() else root.rglob("*"):
            if not path.is_file() or path.is_symlink():
                continue
            if any(path.is_relative_to(e) for e in excluded):
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            files, size = files + 1, size + len(data)
            search(str(path), data)
    for where, data in evidence:
        search(where, data)
    return hits, files, size


def emulator_binary() -> str:
    return os.path.join(os.path.dirname(app_binary()), "gatehouse-emulator")


@pytest.fixture(scope="session")
def demo_manifest():
    """The in-app demo's businesses and credentials (the same fixture and seed, read from a
    short-lived emulator)."""
    with subprocess.Popen(
        [emulator_binary(), "--fixture", "demo", "--port", "0"], stdout=subprocess.PIPE, text=True
    ) as demo:
        manifest = json.loads(demo.stdout.readline())
        demo.terminate()
    remember_manifest(manifest)
    return manifest


@pytest.fixture(scope="session", autouse=True)
def leak_scan():
    """After the whole suite: no token or secret the run used in any file the app (or WebKit)
    wrote, in crash output or logs, in the Graph emulator's request log, or in any process's
    command line or environment."""
    if not os.environ.get("GATEHOUSE_E2E_GRAPH_PORT"):
        yield  # not the end-to-end session (scripts/lib/in-session.sh)
        return
    with subprocess.Popen(
        [emulator_binary(), "--fixture", "demo", "--port", "0"], stdout=subprocess.PIPE, text=True
    ) as demo:
        remember_manifest(json.loads(demo.stdout.readline()))
        demo.terminate()
    yield
    snapshot_processes("at the end")
    env = os.environ
    roots = [env["XDG_CONFIG_HOME"], env["XDG_DATA_HOME"], env["XDG_CACHE_HOME"], ARTIFACTS]
    roots += [p for p in pathlib.Path(tempfile.gettempdir()).glob("*gatehouse*")]
    # The OS keyring's own file is where secrets are meant to be (gnome-keyring encrypts it;
    # this session's keyring has an empty password, so it is not searched).
    exclude = [pathlib.Path(env["XDG_DATA_HOME"]) / "keyrings"]
    hits, files, size = find_leaks(SECRETS, roots, EVIDENCE, exclude)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    summary = (
        f"leak scan: {len(SECRETS)} secrets searched in {files} files ({size // 1024} KiB) and "
        f"{len(EVIDENCE)} process and request-log snapshots: {len(hits)} hits\n"
    )
    (ARTIFACTS / "leak-scan.txt").write_text(summary + "".join(h + "\n" for h in hits))
    print(summary)
    assert len(SECRETS) >= 5, "the scan knows the run's secrets"
    assert files > 0, "the scan found the app's files"
    assert not hits, "secrets leaked:\n" + "\n".join(hits)


@pytest.fixture
def graph_api(request):
    """A fresh emulator standing in for Meta at GATEHOUSE_GRAPH_URL, which the app uses for the
    portfolios connected through its Connect screen. Yields the manifest. Its fixture is the demo
    one unless the test names another (`@pytest.mark.parametrize("graph_api", ["matrix:10000"],
    indirect=True)`)."""
    fixture = getattr(request, "param", "demo")
    port = os.environ.get("GATEHOUSE_E2E_GRAPH_PORT")
    if not port:
        pytest.skip("GATEHOUSE_E2E_GRAPH_PORT is not set (scripts/lib/in-session.sh sets it)")
    binary = os.path.join(os.path.dirname(app_binary()), "gatehouse-emulator")
    proc = subprocess.Popen(
        [binary, "--fixture", fixture, "--port", port], stdout=subprocess.PIPE, text=True
    )
    try:
        ready = proc.stdout.readline()
        if not ready:
            raise RuntimeError(f"{binary} did not start")
        manifest = json.loads(ready)
        remember_manifest(manifest)
        yield manifest
        # Its request log (redacted by the emulator), for the leak scan.
        request = urllib.request.Request(
            manifest["control_url"] + "/requests",
            headers={"x-emulator-control": manifest["control_secret"]},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            EVIDENCE.append(("the Graph emulator's request log", answer.read()))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run_app(request, application: str):
    """The app under WebDriver until the test ends; a screenshot of how it ended is kept."""
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability("tauri:options", {"application": application})
    driver = webdriver.Remote(command_executor=DRIVER_URL, options=options)
    try:
        app = App(driver, request.node.name)
        # Ready once the demo portfolio has loaded: nothing moves after that.
        app.text("Demo: nothing leaves this computer")
        yield app
    finally:
        snapshot_processes(f"while {request.node.name} ran")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        driver.get_screenshot_as_file(str(ARTIFACTS / f"{request.node.name}.png"))
        # The webview's storage outlives the app process: leave none (the theme) to the next test.
        driver.execute_script("localStorage.clear()")
        driver.quit()
        forget_last_opened()


@pytest.fixture
def app(request):
    yield from run_app(request, app_binary())


@pytest.fixture
def app_without_keyring(request, tmp_path):
    """The app on a desktop with no keyring service: its D-Bus session bus address leads nowhere
    (a wrapper sets it, since the driver starts the app with its own environment)."""
    wrapper = tmp_path / "gatehouse-without-keyring"
    wrapper.write_text(
        "#!/bin/sh\n"
        f"export DBUS_SESSION_BUS_ADDRESS=unix:path={tmp_path}/no-bus\n"
        f'exec "{app_binary()}" "$@"\n'
    )
    wrapper.chmod(0o755)
    yield from run_app(request, str(wrapper))


def forget_last_opened() -> None:
    """The app reopens the portfolio it had open last; every test starts in the demo agency."""
    path = pathlib.Path(os.environ.get("XDG_CONFIG_HOME", "")) / "gatehouse" / "profiles.json"
    if os.environ.get("XDG_CONFIG_HOME") and path.exists():
        saved = json.loads(path.read_text())
        saved.pop("last_opened", None)
        path.write_text(json.dumps(saved))
