"""The app shell: window, navigation, the real keychain check, theme, keyboard use."""

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def test_window_opens_on_start_screen_with_navigation(app):
    assert app.driver.title == "Gatehouse"
    app.heading("Welcome to Gatehouse")
    nav_links = [a.text for a in app.driver.find_elements(By.CSS_SELECTOR, "nav[aria-label='Main'] a")]
    assert nav_links == ["Start", "All portfolios", "System users", "Access matrix", "Clients", "Inspect token", "Tokens", "Audit log", "Settings"]
    app.text("Demo: nothing leaves this computer")
    assert app.link("Start").get_attribute("aria-current") == "page"


def test_the_window_cannot_be_taken_elsewhere(app):
    """A script in the page cannot leave the app (a token in a URL would go with it) nor open a
    window: the navigation policy keeps the window on the app's own pages."""
    app.heading("Welcome to Gatehouse")
    own = app.driver.current_url
    app.driver.execute_script("window.location.href = 'https://example.com/?token=EAAsecret';")
    time.sleep(1)
    assert app.driver.current_url == own
    app.heading("Welcome to Gatehouse")
    app.driver.execute_script("window.open('https://example.com/');")
    time.sleep(1)
    assert len(app.driver.window_handles) == 1
    assert app.driver.current_url == own


def test_settings_checks_the_real_keychain(app):
    app.link("Settings").click()
    app.heading("Settings")
    # The check stores, reads back and deletes an entry in the session's GNOME Keyring.
    app.text("The keychain is ready")
    result = app.driver.find_element(By.XPATH, "//span[contains(., 'answered in')]").text
    assert result.startswith("Secret Service answered in ")
    app.button("Check again").click()
    app.text("The keychain is ready")
    version = app.driver.find_element(By.CSS_SELECTOR, "[data-testid='app-version']").text
    assert version == "0.1.0"


def test_keyboard_navigation_and_dark_theme(app):
    app.heading("Welcome to Gatehouse")
    body = app.driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    visited = [app.driver.switch_to.active_element.text]
    # The portfolio switcher, then the navigation in reading order.
    while visited[-1] != "Settings" and len(visited) < 10:
        app.driver.switch_to.active_element.send_keys(Keys.TAB)
        visited.append(app.driver.switch_to.active_element.text)
    nav = [v for v in visited if v in ("Start", "All portfolios", "System users", "Access matrix", "Clients", "Inspect token", "Tokens", "Audit log", "Settings")]
    assert nav == ["Start", "All portfolios", "System users", "Access matrix", "Clients", "Inspect token", "Tokens", "Audit log", "Settings"], visited
    assert "Switch portfolio" in visited[0], visited
    focused = app.driver.switch_to.active_element
    focused.send_keys(Keys.ENTER)
    app.heading("Settings")
    app.driver.find_element(By.XPATH, "//label[normalize-space()='Dark']").click()
    app.text("The keychain is ready")
    theme = app.driver.execute_script("return document.documentElement.dataset.theme")
    assert theme == "dark"
    stored = app.driver.execute_script("return localStorage.getItem('gatehouse.theme')")
    assert stored == "dark"


def test_demo_portfolio_lists_system_users(app):
    # The demo portfolio is the in-process emulator: the list comes through the real Graph client.
    app.link("System users").click()
    app.heading("System users")
    table = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='grid']"))
    label = table.get_attribute("aria-label")
    assert label.startswith("System users of ") and len(label) > len("System users of ")
    rows = table.find_elements(By.CSS_SELECTOR, "[role='row']")
    assert len(rows) >= 2, "a header row and at least the admin system user"
    roles = [r.text for r in table.find_elements(By.CSS_SELECTOR, ".badge")]
    assert "Admin" in roles
    quota = app.driver.find_element(By.CSS_SELECTOR, ".quota__used").text
    assert "regular system users" in quota and "on the Full tier" in quota


def test_add_a_regular_system_user(app):
    app.link("System users").click()
    app.heading("System users")
    app.button("Add system user").click()
    dialog = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
    name = dialog.find_element(By.XPATH, ".//input[@type='text']")
    assert app.driver.switch_to.active_element == name, "the name field has focus"
    name.send_keys("Conversions API server")
    app.screenshot("dialog")
    name.send_keys(Keys.ENTER)
    app.text("“Conversions API server” was added as a regular system user.")
    table = app.driver.find_element(By.CSS_SELECTOR, "[role='grid']")
    app.wait.until(lambda d: "Conversions API server" in table.text)
    assert not app.driver.find_elements(By.CSS_SELECTOR, "[role='dialog']")


def test_rename_a_system_user(app):
    app.link("System users").click()
    app.heading("System users")
    app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "button[aria-label^='Rename ']")).click()
    dialog = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
    field = dialog.find_element(By.XPATH, ".//input[@type='text']")
    old = field.get_attribute("value")
    assert old, "the field starts with the current name"
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("Renamed by the e2e test", Keys.ENTER)
    app.text(f"“{old}” is now called “Renamed by the e2e test”.")
    table = app.driver.find_element(By.CSS_SELECTOR, "[role='grid']")
    app.wait.until(lambda d: "Renamed by the e2e test" in table.text)


def test_settings_checks_compatibility_of_the_open_portfolio(app):
    # The demo portfolio's emulator against a second, reference one: every relied-on read answers
    # as expected; the batch form of debug_token is refused (Meta documents only the GET).
    app.link("Settings").click()
    app.heading("Settings")
    app.button("Check compatibility").click()
    app.text("Every read Gatehouse relies on answered as expected")
    table = app.driver.find_element(By.CSS_SELECTOR, "[role='grid'][aria-label='What each read answered']")
    assert "POST / (batch) with GET /debug_token" in table.text and "Refused" in table.text
    app.driver.find_element(By.XPATH, "//summary[contains(., 'The whole report')]").click()
    report = app.driver.find_element(By.CSS_SELECTOR, "textarea[aria-label='Compatibility report']")
    text = report.get_attribute("value")
    assert "GET /{system-user}/assigned_ads_pixels" in text
    # No ID of the demo portfolio is in the report: Graph IDs are long runs of digits.
    assert not any(len(word.strip("()/")) >= 10 and word.strip("()/").isdigit() for word in text.split()), text
    app.screenshot("compatibility")
