"""A script in the page cannot take a token out through the app's commands: it cannot replace
the IPC entry point to watch answers, handles cannot be guessed, a token is handed over once
(the person's Reveal), and none is left after its dialog closes or the window reloads. The
script here digs the handle out of the page's memory, as an injected one could."""

from selenium.webdriver.common.by import By

from conftest import remember_secret
from test_flow import generate_token

# Tries to replace the IPC entry point to record every answer (what an injected script would
# try first). Tauri's is read-only: the assignment does nothing.
HOOK = """
const ipc = window.__TAURI_INTERNALS__;
const original = ipc.invoke;
try { ipc.invoke = async () => "hooked"; } catch (e) { /* frozen in strict code */ }
return ipc.invoke === original;
"""

# Finds a token handle in the open dialog's React state (walking the component tree from the
# dialog's DOM node), as a script that knows React could.
DIG = """
const dialog = document.querySelector("[role='dialog']");
const key = Object.keys(dialog).find((k) => k.startsWith("__reactFiber$"));
const seen = new Set();
function find(v, depth) {
  if (v == null || depth > 12) return null;
  if (typeof v === "string") return /^token-[0-9a-f]{32}$/.test(v) ? v : null;
  if (typeof v !== "object" || seen.has(v)) return null;
  seen.add(v);
  for (const k of Object.keys(v)) {
    if (k.startsWith("_") || k === "return" || k === "child" || k === "sibling") continue;
    const found = find(v[k], depth + 1);
    if (found) return found;
  }
  return null;
}
for (let fiber = dialog[key]; fiber; fiber = fiber.return) {
  const found = find(fiber.memoizedProps, 0) || find(fiber.memoizedState, 0);
  if (found) return found;
}
return null;
"""

# Calls a command straight from the page, as a script could.
CALL = """
const [cmd, args, done] = arguments;
window.__TAURI_INTERNALS__.invoke(cmd, args).then((ok) => done({ ok }), (error) => done({ error }));
"""


def call(app, cmd: str, args: dict) -> dict:
    return app.driver.execute_async_script(CALL, cmd, args)


def refused_with(answer: dict) -> str:
    assert "error" in answer, f"the page got {answer}"
    return answer["error"]["code"]


def generate(app):
    generate_token(app, "ads_read")
    handle = app.driver.execute_script(DIG)
    assert handle, "the handle is in the page's memory (the test's stand-in for a script that found it)"
    return handle


def test_a_script_cannot_take_a_token_out(app):
    app.link("System users").click()
    app.heading("System users")
    app.wait.until(lambda d: d.find_element(By.XPATH, "//a[normalize-space()='Reporting Server']")).click()
    app.heading("Reporting Server")
    assert app.driver.execute_script(HOOK), "a script cannot replace the IPC entry point"

    handle = generate(app)
    assert handle.startswith("token-") and len(handle) > 30, "a random handle"
    for guess in ["token-1", "token-0", "token-" + "0" * 32, handle[:-1] + "x"]:
        assert refused_with(call(app, "reveal_token", {"handle": guess})) == "token_gone", guess

    # The person reveals it: the one hand-over. The script asking again is refused.
    app.button("Reveal").click()
    token = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "textarea.token-reveal")).get_attribute("value")
    remember_secret(token)
    assert refused_with(call(app, "reveal_token", {"handle": handle})) == "token_already_revealed"
    app.screenshot("1-revealed-once")

    # Closed: gone, for Copy too.
    app.button("Close").click()
    app.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[role='dialog']"))
    assert refused_with(call(app, "reveal_token", {"handle": handle})) == "token_gone"
    assert refused_with(call(app, "copy_token", {"handle": handle, "clearAfterSecs": None})) == "token_gone"

    # A token nobody revealed is gone when the window reloads (a script that reloads finds none).
    unrevealed = generate(app)
    app.driver.refresh()
    app.text("Demo: nothing leaves this computer")
    assert refused_with(call(app, "reveal_token", {"handle": unrevealed})) == "token_gone"
