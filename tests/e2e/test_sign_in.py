"""Sign in with Meta in the real app: Meta's login dialog (the test's emulator plays it) opens in
a window of its own; the person presses "Continue as …" there (by keyboard, through X11: WebDriver
reaches only the main window, see below); Gatehouse reads the token from the redirect, the
business is checked, Gatehouse adds its admin system user, keeps the new token in the real
keyring and works in the portfolio. And a page in that window can call none of Gatehouse's
commands, open no window and go nowhere but Meta's pages.

Why X11 and not WebDriver for the login window: WebKitWebDriver drives the pages of the one
automation-enabled web context, and the login window is incognito (an ephemeral context of its
own, wry's `WebContext::new_ephemeral`, with automation off), so it is not among the window handles.
Its own page reports what it could reach to the emulator (a `fetch` to the dialog's origin, which
the emulator logs)."""

import http.server
import json
import subprocess
import threading
import time
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from conftest import ARTIFACTS, remember_secret
from test_connect import field, main_text

LOGIN_WINDOW = "Sign in with Meta"


def control(manifest: dict, method: str, path: str, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        manifest["control_url"] + path,
        data=data,
        method=method,
        headers={"x-emulator-control": manifest["control_secret"], "content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def probes(manifest: dict) -> list[dict]:
    """What the dialog's page reported (its `fetch`es to /probe, in the emulator's request log)."""
    log = control(manifest, "GET", "/requests")["requests"]
    return [dict(r["params"]) for r in log if r["path"] == "/probe"]


def wait_for_probe(manifest: dict, key: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for probe in probes(manifest):
            if key in probe:
                return probe
        time.sleep(0.2)
    raise AssertionError(f"the dialog's page never reported {key!r}: {probes(manifest)}")


def login_window(timeout: float = 20) -> str:
    """The X11 id of the login window, once it is mapped."""
    found = subprocess.run(
        ["xdotool", "search", "--sync", "--onlyvisible", "--name", f"^{LOGIN_WINDOW}$"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    ids = found.stdout.split()
    assert ids, f"no {LOGIN_WINDOW!r} window: {found.stderr}"
    return ids[-1]


def login_window_is_gone() -> bool:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", f"^{LOGIN_WINDOW}$"], capture_output=True, text=True
    )
    return not found.stdout.split()


def press_continue(window: str, name: str) -> None:
    """The person presses the dialog's "Continue as …" (focused on load) with the keyboard."""
    # The screen where the window is (WebKit paints through GL: the window's own contents read
    # blank), once its page has painted.
    time.sleep(2)
    geometry = subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", window], capture_output=True, text=True, check=True
    ).stdout
    g = dict(line.split("=", 1) for line in geometry.split())
    crop = f"{g['WIDTH']}x{g['HEIGHT']}+{g['X']}+{g['Y']}"
    subprocess.run(
        ["import", "-window", "root", "-crop", crop, str(ARTIFACTS / f"{name}--login-window.png")],
        check=True,
        timeout=20,
    )
    subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True, timeout=10)
    subprocess.run(["xdotool", "key", "--clearmodifiers", "Return"], check=True, timeout=10)


def focus_main_window() -> None:
    """The keyboard back on Gatehouse's window once the login window has closed (a window
    manager would do this; Xvfb has none)."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "^Gatehouse$"], capture_output=True, text=True, timeout=10
    )
    for window in found.stdout.split()[-1:]:
        subprocess.run(["xdotool", "windowfocus", "--sync", window], timeout=10)


def start_sign_in(app, dev_app: dict) -> None:
    app.portfolio_menu("Connect your business portfolio")
    app.heading("Connect your business portfolio")
    field(app, "App ID").send_keys(dev_app["id"])
    field(app, "App secret").send_keys(dev_app["secret"])
    app.button("Sign in with Meta").click()
    app.wait.until(lambda d: "Waiting for you to sign in in Meta's window" in main_text(app))


def keyring_admin_token(profile_id: str) -> str:
    """What the OS keyring holds as the portfolio's admin token (libsecret's own client)."""
    found = subprocess.run(
        ["secret-tool", "lookup", "service", "dev.gatehouse.app", "username", f"profile/{profile_id}/admin-token"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    return found.stdout.strip()


def remove_portfolio(app) -> None:
    app.portfolio_menu("Remove a saved portfolio")
    dialog = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
    dialog.find_element(By.XPATH, ".//button[normalize-space()='Remove portfolio']").click()
    app.text("Demo: nothing leaves this computer")


def test_sign_in_with_meta_sets_gatehouse_up_keeps_its_token_in_the_keyring_and_works(app, graph_api):
    harbor = next(b for b in graph_api["businesses"] if b["developer_apps"])
    dev_app = harbor["developer_apps"][0]
    # The person is signed in to Facebook in the dialog's browser; the page says when it is ready.
    control(graph_api, "POST", "/login", {"signed_in_as": harbor["user_id"], "script": "fetch('/probe?ready=1')"})

    start_sign_in(app, dev_app)
    app.driver.execute_script("window.scrollTo(0, 0)")
    app.screenshot("1-waiting")
    window = login_window()
    wait_for_probe(graph_api, "ready")
    press_continue(window, app.name)

    # Gatehouse read the answer and closed the window; the only business is checked.
    app.wait.until(lambda d: "Signed in as" in main_text(app))
    app.wait.until(lambda d: login_window_is_gone())
    focus_main_window()
    app.wait.until(lambda d: f"Gatehouse adds app {dev_app['id']} to the business first" in main_text(app))
    text = main_text(app)
    assert harbor["name"] in text and "What Gatehouse found" in text, text
    create = app.driver.find_element(
        By.XPATH, "//label[contains(., 'As a new admin system user named')]//input[@type='radio']"
    )
    assert create.is_selected(), "no admin system user yet: a new one is suggested"
    ways = app.driver.find_element(By.XPATH, "//*[@role='radiogroup' and .//*[contains(., 'How Gatehouse works')]]")
    app.driver.execute_script("arguments[0].scrollIntoView({block: 'end'})", ways)
    app.screenshot("2-signed-in")
    app.driver.execute_script("document.documentElement.dataset.theme = 'dark'")
    app.screenshot("2-signed-in-dark")
    app.driver.execute_script("document.documentElement.dataset.theme = 'light'")
    app.button("Set up Gatehouse").click()

    # Set up, saved and opened: the new admin system user is listed and its token is in the keyring.
    grid = app.wait.until(
        lambda d: d.find_element(By.CSS_SELECTOR, f"[role='grid'][aria-label='System users of {harbor['name']}']")
    )
    app.wait.until(lambda d: "Gatehouse" in grid.text)
    app.wait.until(lambda d: "Gatehouse added the admin system user “Gatehouse”" in main_text(app))
    app.screenshot("3-set-up")
    token = keyring_admin_token(f"business-{harbor['id']}")
    assert token, "the admin token is in the OS keyring"
    remember_secret(token)
    state = control(graph_api, "GET", "/state")
    business = next(b for b in state["businesses"] if b["id"] == harbor["id"])
    gatehouse = next(u for u in business["system_users"] if u["name"] == "Gatehouse")
    assert gatehouse["role"] == "ADMIN" and dev_app["id"] in gatehouse["installed_apps"], gatehouse
    with urllib.request.urlopen(
        f"{graph_api['url']}/v26.0/me?access_token={urllib.parse.quote(token)}", timeout=10
    ) as answer:
        assert json.loads(answer.read())["id"] == gatehouse["id"], "the keyring's token is Gatehouse's admin's"

    # Working in it.
    app.button("Add system user").click()
    dialog = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
    dialog.find_element(By.XPATH, ".//input[@type='text']").send_keys("Orders Server")
    dialog.find_element(By.XPATH, ".//button[normalize-space()='Add system user']").click()
    app.text("“Orders Server” was added as a regular system user.")
    remove_portfolio(app)


class Elsewhere(http.server.BaseHTTPRequestHandler):
    """A server the login window must never reach."""

    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Elsewhere.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"reached")

    def log_message(self, *args):
        pass


@pytest.fixture
def elsewhere():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    Elsewhere.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


# Run by the dialog's page: everything a page in the login window could try, reported to the
# emulator (same origin), then a navigation away.
PROBE = """
(async () => {
  const report = { internals: typeof window.__TAURI_INTERNALS__ };
  const call = async (name, args) => {
    try {
      const answer = await window.__TAURI_INTERNALS__.invoke(name, args || {});
      return "answered " + JSON.stringify(answer).slice(0, 200);
    } catch (e) {
      return "refused " + String(e && e.message ? e.message : e).slice(0, 200);
    }
  };
  report.list_portfolios = await call("list_portfolios");
  report.cancel_sign_in = await call("cancel_sign_in");
  report.reveal_token = await call("reveal_token", { handle: "x" });
  try {
    const r = await fetch("ipc://localhost/list_portfolios", { method: "POST", body: "{}" });
    report.ipc_protocol = "status " + r.status;
  } catch (e) {
    report.ipc_protocol = "failed " + String(e).slice(0, 200);
  }
  try {
    report.window_open = String(window.open("ELSEWHERE/opened"));
  } catch (e) {
    report.window_open = "failed " + String(e).slice(0, 200);
  }
  await fetch("/probe?" + new URLSearchParams(report));
  location.href = "ELSEWHERE/navigated";
  setTimeout(() => fetch("/probe?" + new URLSearchParams({ still_here: location.href })), 1500);
})();
"""


def test_the_login_window_reaches_no_command_and_no_other_site(app, graph_api, elsewhere):
    harbor = next(b for b in graph_api["businesses"] if b["developer_apps"])
    dev_app = harbor["developer_apps"][0]
    control(
        graph_api,
        "POST",
        "/login",
        {"signed_in_as": harbor["user_id"], "script": PROBE.replace("ELSEWHERE", elsewhere)},
    )
    start_sign_in(app, dev_app)
    window = login_window()

    report = wait_for_probe(graph_api, "list_portfolios")
    for command in ("list_portfolios", "cancel_sign_in", "reveal_token"):
        assert not report[command].startswith("answered"), f"{command}: {report}"
    assert not report["ipc_protocol"].startswith("status 200"), report
    assert report["window_open"] in ("null", "undefined") or report["window_open"].startswith("failed"), report
    still = wait_for_probe(graph_api, "still_here")
    assert still["still_here"].startswith(graph_api["url"]), f"the window left the dialog: {still}"
    assert Elsewhere.hits == [], f"the login window reached another site: {Elsewhere.hits}"
    (ARTIFACTS / f"{app.name}--probe.json").write_text(json.dumps(report, indent=2))

    # Nothing it tried touched the sign-in under way (cancel_sign_in did not run): the person
    # can still continue, and is signed in.
    press_continue(window, app.name)
    app.wait.until(lambda d: "Signed in as" in main_text(app))
    assert Elsewhere.hits == []
    app.button("Cancel").click()


def test_cancelling_in_gatehouse_closes_metas_window_and_a_new_sign_in_works(app, graph_api):
    harbor = next(b for b in graph_api["businesses"] if b["developer_apps"])
    control(graph_api, "POST", "/login", {"signed_in_as": harbor["user_id"], "script": "fetch('/probe?ready=1')"})
    start_sign_in(app, harbor["developer_apps"][0])
    login_window()
    wait_for_probe(graph_api, "ready")
    app.button("Cancel sign-in").click()
    app.wait.until(lambda d: login_window_is_gone())
    app.button("Sign in with Meta")  # enabled again
    text = main_text(app)
    assert "Waiting for you" not in text and "You were not signed in" not in text, text

    # Again, to the end this time.
    app.button("Sign in with Meta").click()
    window = login_window()
    app.wait.until(lambda d: len(probes(graph_api)) >= 2)
    press_continue(window, app.name)
    app.wait.until(lambda d: "Signed in as" in main_text(app))
    app.button("Cancel").click()
