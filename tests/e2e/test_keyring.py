"""The app on a desktop without a keyring service: it starts, the demo works, Settings says what
is wrong and how to fix it, and connecting a portfolio is refused with the same explanation and
saves nothing (no secret goes anywhere else instead)."""

from selenium.webdriver.common.by import By

from test_connect import field, main_text, paste_a_token

NO_KEYRING = "no keyring service is running"


def test_without_a_keyring_the_app_explains_and_saves_nothing(app_without_keyring, graph_api):
    app = app_without_keyring
    app.link("Settings").click()
    app.heading("Settings")
    app.wait.until(lambda d: "The keychain is not usable" in main_text(app))
    text = main_text(app)
    assert NO_KEYRING in text and "GNOME Keyring" in text, text
    app.screenshot("1-settings")

    agency = next(b for b in graph_api["businesses"] if b["admin_token"] and b["apps"])
    app.portfolio_menu("Connect your business portfolio")
    app.heading("Connect your business portfolio")
    paste_a_token(app)
    field(app, "Business ID").send_keys(agency["id"])
    field(app, "Admin token").send_keys(agency["admin_token"])
    field(app, "App ID").send_keys(agency["apps"][0]["id"])
    field(app, "App secret").send_keys(agency["apps"][0]["secret"])
    app.button("Check").click()
    app.wait.until(lambda d: "What Gatehouse found" in main_text(app))
    app.wait.until(
        lambda d: d.find_element(By.XPATH, "//button[normalize-space()='Save portfolio' and not(@disabled)]")
    ).click()
    app.wait.until(lambda d: NO_KEYRING in main_text(app))
    app.screenshot("2-save-refused")

    # Nothing was saved: the menu lists the demo businesses only.
    app.driver.find_element(By.XPATH, "//button[contains(., 'Switch portfolio')]").click()
    items = app.wait.until(lambda d: d.find_elements(By.XPATH, "//*[@role='menuitem']"))
    assert not any(agency["name"] in i.text and "Business ID" in i.text for i in items), [i.text for i in items]
