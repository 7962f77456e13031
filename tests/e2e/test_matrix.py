"""The access matrix in the real window: thousands of assets against the agency's system users,
only the rows in view in the page, a system user's column alone, grouping by client, the export;
and at 10,000 assets × 20 system users, how long a filter keystroke takes to reach the screen,
measured in the page."""

import pytest
from selenium.webdriver.common.by import By

from conftest import record_measure
from test_connect import field, main_text, paste_a_token

GRID = "[role='grid'][aria-label='Access by asset and system user']"


def keystroke(app, text: str) -> dict:
    """Types `text` into the search field at once (one input event) and times, in the page, until
    React has committed the new rows (a MutationObserver sees the row count change) and until the
    frame after next (painted)."""
    return app.driver.execute_async_script(
        """
        const [text, done] = [arguments[0], arguments[arguments.length - 1]];
        const input = [...document.querySelectorAll('input')].find((i) => i.placeholder === 'Name or ID');
        const grid = document.querySelector("[role='grid']");
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
        let committed = null;
        const start = performance.now();
        new MutationObserver((_, observer) => {
          committed = performance.now() - start;
          observer.disconnect();
          requestAnimationFrame(() => requestAnimationFrame(() => done({ committed, painted: performance.now() - start, urgent })));
        }).observe(grid, { attributes: true, attributeFilter: ['aria-rowcount'] });
        setter.call(input, text);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        // The urgent part (the field's own update), before React renders the rows deferred.
        const urgent = performance.now() - start;
        setTimeout(() => done({ committed: -1, painted: -1, urgent }), 5000);
        """,
        text,
    )


def idle_frames(app) -> float:
    """The window's own pace with nothing changing: two frames, for comparison."""
    return app.driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const start = performance.now();
        requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - start)));
        """
    )


def test_the_access_matrix_shows_who_can_touch_what(app):
    app.link("Access matrix").click()
    app.heading("Access matrix")
    grid = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, GRID))
    assert int(grid.get_attribute("aria-rowcount")) > 2000
    assert len(grid.find_elements(By.CSS_SELECTOR, "[role='row']")) < 100, "windowed"
    timing = keystroke(app, "Prospecting")
    idle = idle_frames(app)
    record_measure(
        f"access matrix (demo): a filter keystroke committed in {timing['committed']:.0f} ms, painted in "
        f"{timing['painted']:.0f} ms; two idle frames take {idle:.0f} ms here"
    )
    assert 0 <= timing["committed"] < 1000, timing
    app.screenshot("1-matrix")
    app.driver.execute_script("document.documentElement.dataset.theme = 'dark'")
    app.screenshot("1-matrix-dark")
    app.driver.execute_script("document.documentElement.dataset.theme = 'light'")

    # Grouped by client: the portfolio's own assets first, then each client's, which say who
    # shared them.
    keystroke(app, "")
    app.driver.find_element(By.XPATH, "//label[normalize-space()='By client']").click()
    app.driver.find_element(By.XPATH, "//button[contains(normalize-space(), 'Every client')]").click()
    app.wait.until(
        lambda d: d.find_element(By.XPATH, "//*[@role='option' and starts-with(normalize-space(), 'Harbor & Vine Coffee Roasters')]")
    ).click()
    app.wait.until(lambda d: "Shared by Harbor & Vine Coffee Roasters" in grid.text)
    assert "· Owned" not in grid.text
    app.screenshot("2-matrix-by-client")

    # The least-privilege report of the agency's admin, exported for a review.
    app.button("Report as CSV").click()
    app.wait.until(lambda d: "Exported the least-privilege report of 1 admin system user" in main_text(app))
    path = app.driver.find_element(By.XPATH, "//*[contains(@class, 'mono') and contains(., 'gatehouse-least-privilege-')]").text
    with open(path, encoding="utf-8") as report:
        rows = report.read().splitlines()
    assert rows[0].startswith("admin system user,admin id,reaches,"), rows[0]
    assert any(r.startswith("Gatehouse Admin,") for r in rows[1:]), rows


@pytest.mark.parametrize("graph_api", ["matrix:10000"], indirect=True)
def test_the_matrix_stays_responsive_at_10000_assets_and_20_system_users(app, graph_api):
    agency = graph_api["businesses"][0]
    own_app = agency["apps"][0]
    app.portfolio_menu("Connect your business portfolio")
    app.heading("Connect your business portfolio")
    paste_a_token(app)
    field(app, "Business ID").send_keys(agency["id"])
    field(app, "Admin token").send_keys(agency["admin_token"])
    field(app, "App ID").send_keys(own_app["id"])
    field(app, "App secret").send_keys(own_app["secret"])
    app.button("Check").click()
    app.wait.until(lambda d: d.find_element(By.XPATH, "//button[normalize-space()='Save portfolio' and not(@disabled)]"))
    app.button("Save portfolio").click()
    app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f"[role='grid'][aria-label='System users of {agency['name']}']"))
    try:
        app.link("Access matrix").click()
        app.heading("Access matrix")
        grid = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, GRID))
        rows = int(grid.get_attribute("aria-rowcount")) - 1
        assert rows >= 10_000, rows
        assert int(grid.get_attribute("aria-colcount")) == 21, "20 system users and the asset column"
        assert len(grid.find_elements(By.CSS_SELECTOR, "[role='row']")) < 100, "windowed"
        assert len(grid.find_elements(By.CSS_SELECTOR, "[role='gridcell']")) < 400, "windowed across too"
        idle = idle_frames(app)
        runs = []
        # Narrowing, widening back, and a word in no asset: the median of the three.
        for text in ["Prospecting", "", "Kestrel", "", "zzz-none", ""]:
            runs.append(keystroke(app, text))
        committed = sorted(r["committed"] for r in runs)[len(runs) // 2]
        painted = sorted(r["painted"] for r in runs)[len(runs) // 2]
        record_measure(
            f"access matrix ({rows:,} assets x 20 system users): a filter keystroke committed in "
            f"{committed:.0f} ms (median of {len(runs)}), painted in {painted:.0f} ms; two idle frames "
            f"take {idle:.0f} ms here; every run: {runs}"
        )
        assert all(r["committed"] >= 0 for r in runs), runs
        assert committed < 100, runs
        app.screenshot("3-matrix-10000")
    finally:
        app.portfolio_menu("Remove a saved portfolio")
        dialog = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
        dialog.find_element(By.XPATH, ".//button[normalize-space()='Remove portfolio']").click()
        app.text("Demo: nothing leaves this computer")
