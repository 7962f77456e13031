"""Connecting a portfolio in the real app: the check against the Graph API (an emulator standing in
for Meta), the fix Gatehouse can make itself (adding the app to a business that owns none), saving
with the secrets in the real keychain, working in it, and removing it again."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def field(app, label: str):
    """The input a visible label names."""
    lab = app.wait.until(lambda d: d.find_element(By.XPATH, f"//label[normalize-space()='{label}']"))
    return app.driver.find_element(By.ID, lab.get_attribute("for"))


def paste_a_token(app) -> None:
    """Chooses the Connect screen's "Paste an admin token" way (Sign in with Meta is the first)."""
    tab = app.wait.until(
        lambda d: d.find_element(By.XPATH, "//*[@role='tab' and normalize-space()='Paste an admin token']")
    )
    app.screenshot("0-connect")
    tab.click()


def main_text(app) -> str:
    return app.driver.find_element(By.TAG_NAME, "main").text


def test_connect_a_portfolio_add_its_app_save_use_and_remove_it(app, graph_api):
    harbor = next(b for b in graph_api["businesses"] if b["developer_apps"])
    dev_app = harbor["developer_apps"][0]

    app.portfolio_menu("Connect your business portfolio")
    app.heading("Connect your business portfolio")
    paste_a_token(app)
    field(app, "Business ID").send_keys(harbor["id"])
    field(app, "Admin token").send_keys(harbor["user_token"])
    field(app, "App ID").send_keys(dev_app["id"])
    field(app, "App secret").send_keys(dev_app["secret"])
    app.button("Check").click()

    # What Meta says, and the one thing that blocks: the business owns no app.
    app.wait.until(lambda d: "What Gatehouse found" in main_text(app))
    text = main_text(app)
    assert harbor["name"] in text and "A person's token" in text, text
    assert "Must be fixed: The business owns no app" in text, text
    save = app.driver.find_element(By.XPATH, "//button[normalize-space()='Save portfolio']")
    assert save.get_attribute("disabled") is not None
    app.screenshot("1-checked")

    app.button(f"Add app {dev_app['id']} to the business").click()
    app.wait.until(lambda d: "now belongs to the business" in main_text(app))
    app.wait.until(lambda d: "Must be fixed" not in main_text(app))
    app.wait.until(
        lambda d: d.find_element(By.XPATH, "//button[normalize-space()='Save portfolio' and not(@disabled)]")
    )
    assert dev_app["name"] in main_text(app), "the app is now listed among the business's apps"
    app.screenshot("2-app-added")
    app.button("Save portfolio").click()

    # Saved (secrets in the keychain) and opened: the business can have system users now.
    app.wait.until(
        lambda d: d.find_element(By.CSS_SELECTOR, f"[role='grid'][aria-label='System users of {harbor['name']}']")
    )
    assert "Demo: nothing leaves this computer" not in app.driver.find_element(By.TAG_NAME, "body").text
    app.button("Add system user").click()
    dialog = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
    dialog.find_element(By.XPATH, ".//input[@type='text']").send_keys("Orders Server", Keys.ENTER)
    app.text("“Orders Server” was added as a regular system user.")
    app.screenshot("3-saved-and-used")

    # Removing it deletes its keychain entries and goes back to the demo.
    app.portfolio_menu("Remove a saved portfolio")
    dialog = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
    assert "keychain" in dialog.text, dialog.text
    dialog.find_element(By.XPATH, ".//button[normalize-space()='Remove portfolio']").click()
    app.text("Demo: nothing leaves this computer")
