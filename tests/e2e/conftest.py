"""The real Gatehouse binary driven through tauri-driver (WebDriver on 127.0.0.1:4444).

Run by scripts/lib/in-session.sh inside Xvfb and a D-Bus session with an unlocked GNOME Keyring.
Every test leaves a screenshot of the window in artifacts/e2e/<test>.png.
"""

import json
import os
import pathlib
import subprocess

import pytest
from selenium import webdriver
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
        self.wait = WebDriverWait(driver, 20)

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

    def button(self, name: str):
        return self.wait.until(
            EC.element_to_be_clickable((By.XPATH, f"//button[normalize-space()='{name}']"))
        )


@pytest.fixture
def graph_api():
    """A fresh emulator (demo fixture) standing in for Meta at GATEHOUSE_GRAPH_URL, which the app
    uses for the portfolios connected through its Connect screen. Yields the manifest."""
    port = os.environ.get("GATEHOUSE_E2E_GRAPH_PORT")
    if not port:
        pytest.skip("GATEHOUSE_E2E_GRAPH_PORT is not set (scripts/lib/in-session.sh sets it)")
    binary = os.path.join(os.path.dirname(app_binary()), "gatehouse-emulator")
    proc = subprocess.Popen(
        [binary, "--fixture", "demo", "--port", port], stdout=subprocess.PIPE, text=True
    )
    try:
        ready = proc.stdout.readline()
        if not ready:
            raise RuntimeError(f"{binary} did not start")
        yield json.loads(ready)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def app(request):
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability("tauri:options", {"application": app_binary()})
    driver = webdriver.Remote(command_executor=DRIVER_URL, options=options)
    try:
        app = App(driver, request.node.name)
        # Ready once the demo portfolio has loaded: nothing moves after that.
        app.text("Demo: nothing leaves this computer")
        yield app
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        driver.get_screenshot_as_file(str(ARTIFACTS / f"{request.node.name}.png"))
        # The webview's storage outlives the app process: leave none (the theme) to the next test.
        driver.execute_script("localStorage.clear()")
        driver.quit()
