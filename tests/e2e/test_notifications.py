"""The expiry reminder in the real app: a 60-day token made in the demo, the reminder set to 60 days
ahead in Settings, and at the next start the desktop shows a notification (a fake notification
service on the test session's D-Bus receives what the app sends through
tauri-plugin-notification) naming the token by its last characters, and the window shows the
same notice."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from fake_notifications import FakeNotifications
from test_flow import generate_token


def generate_sixty_day_token(app) -> str:
    """A 60-day ads_read token for Reporting Server, closed without copying; its last 4 characters
    as the copy-once dialog's mask shows them."""
    app.link("System users").click()
    app.heading("System users")
    app.wait.until(lambda d: d.find_element(By.XPATH, "//a[normalize-space()='Reporting Server']")).click()
    app.heading("Reporting Server")
    generate_token(app, "ads_read", "60 days (recommended)")
    mask = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".token-mask")).text
    app.button("Close").click()
    app.button("Close without copying").click()
    app.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[role='dialog']"))
    return mask.strip("•…. ")[-4:]


def test_a_token_about_to_expire_is_a_desktop_notification(app):
    with FakeNotifications() as notes:
        ending = generate_sixty_day_token(app)
        # The token ends in 60 days: nothing is said with the default 7 days ahead.
        app.link("Settings").click()
        app.heading("Settings")
        days = app.driver.find_element(By.XPATH, "//label[normalize-space()='Remind me this many days before']")
        field = app.driver.find_element(By.ID, days.get_attribute("for"))
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys("60", Keys.TAB)
        app.wait.until(lambda d: '"days":60' in d.execute_script("return localStorage.getItem('gatehouse.expiryReminder')"))
        assert not notes.records(), "changing the setting does not notify"

        # The next start asks, and the desktop shows it.
        app.driver.refresh()
        app.text("Demo: nothing leaves this computer")
        # (Other tests of the session may have made 60-day tokens too: "N tokens expire…".)
        note = notes.wait_for(lambda n: n.summary.endswith("within 60 days"), timeout=20)
        assert ending in note.body and "Refresh them in Gatehouse" in note.body, note
        assert len(notes.records()) == 1, "one notification at start"
        app.wait.until(lambda d: note.summary in d.find_element(By.TAG_NAME, "body").text)
        app.screenshot("1-expiry-notice")
