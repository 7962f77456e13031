"""The whole system-user flow in the real app, demo mode: the brief's end-to-end suite.

Create a regular system user, assign ad accounts + a Page + a catalog, install the app, generate
a 60-day token with ads_management, copy it (the system clipboard holds it, and after the
countdown it does not), inspect it. Then the two refusals a user meets: the system-user limit of
a Limited-tier portfolio and a permission the app cannot grant.
"""

import shutil
import subprocess
import time

import pytest
from conftest import remember_secret
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

CLEAR_AFTER_SECS = 10


def clipboard() -> str:
    """What another program pasting now would get (the CLIPBOARD selection)."""
    done = subprocess.run(
        ["xclip", "-o", "-selection", "clipboard"], capture_output=True, text=True, timeout=10
    )
    return done.stdout if done.returncode == 0 else ""


def add_system_user(app, name: str) -> None:
    app.button("Add system user").click()
    dialog = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
    dialog.find_element(By.XPATH, ".//input[@type='text']").send_keys(name, Keys.ENTER)


def choose_assets(app, tab: str, count: int, access: str) -> None:
    app.wait.until(
        lambda d: d.find_element(By.XPATH, f"//*[@role='tab' and normalize-space()='{tab}']")
    ).click()
    listbox = app.wait.until(
        lambda d: d.find_element(By.XPATH, f"//*[@role='listbox' and @aria-label='{tab}']")
    )
    app.wait.until(lambda d: len(listbox.find_elements(By.CSS_SELECTOR, "[role='option']")) >= count)
    for row in listbox.find_elements(By.CSS_SELECTOR, "[role='option']")[:count]:
        row.click()
    app.wait.until(
        lambda d: len(listbox.find_elements(By.CSS_SELECTOR, "[role='option'][aria-selected='true']"))
        == count
    )
    app.wait.until(lambda d: d.find_element(By.XPATH, choice(access))).click()


def choice(label: str) -> str:
    """A radio drawn as a card (`Choice`), by the start of its label."""
    return f"//*[contains(@class, 'choice__button') and starts-with(normalize-space(), '{label}')]"


def open_generate_dialog(app):
    app.button("Generate token").click()
    return app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))


def next_step(app) -> None:
    app.button("Next").click()


def scope_check(scope: str) -> str:
    """A permission's tick box in the generate dialog, by the permission's name."""
    return (
        "//*[contains(@class, 'check__button')]"
        f"[../*[.//*[@class='scope-name' and normalize-space()='{scope}']]"
        f" or .//*[@class='scope-name' and normalize-space()='{scope}']]"
    )


def generate_token(app, scope: str, expiry: str | None = None) -> None:
    """Generates a token for the open system user through the dialog, up to the copy-once dialog:
    the demo agency's app, `expiry` when given (else the dialog's default) and `scope`."""
    dialog = open_generate_dialog(app)
    # The dialog loads the apps after it opens.
    app.wait.until(lambda d: dialog.find_element(By.XPATH, choice("Brightline Ads Manager"))).click()
    next_step(app)
    if expiry:
        app.wait.until(lambda d: d.find_element(By.XPATH, choice(expiry))).click()
    next_step(app)
    app.wait.until(lambda d: d.find_element(By.XPATH, scope_check(scope))).click()
    next_step(app)
    app.wait.until(
        lambda d: d.find_element(By.XPATH, "//*[@role='dialog']//button[normalize-space()='Generate token' and not(@disabled)]")
    ).click()
    app.wait.until(lambda d: d.find_element(By.XPATH, "//button[normalize-space()='Copy']"))


@pytest.mark.skipif(shutil.which("xclip") is None, reason="xclip reads the clipboard")
def test_full_flow_from_a_new_system_user_to_an_inspected_token(app):
    app.driver.execute_script(
        f"localStorage.setItem('gatehouse.clipboardClearSeconds', '{CLEAR_AFTER_SECS}')"
    )
    # 1. A regular system user.
    app.link("System users").click()
    app.heading("System users")
    add_system_user(app, "Ads Reporting Server")
    app.text("“Ads Reporting Server” was added as a regular system user.")
    app.screenshot("1-system-users")
    app.wait.until(
        lambda d: d.find_element(By.XPATH, "//a[normalize-space()='Ads Reporting Server']")
    ).click()
    app.heading("Ads Reporting Server")

    # 2. Assets: three ad accounts, a Page and a catalog.
    app.wait.until(lambda d: d.find_element(By.XPATH, "//a[normalize-space()='Assign assets']")).click()
    app.heading("Assign assets to Ads Reporting Server")
    choose_assets(app, "Ad accounts", 3, "Full control")
    choose_assets(app, "Pages", 1, "Full control")
    choose_assets(app, "Catalogs", 1, "Full control")
    app.screenshot("2-choose-assets")
    app.button("Review changes").click()
    app.wait.until(
        lambda d: d.find_element(By.XPATH, "//button[normalize-space()='Apply 5 changes']")
    )
    # The engine compared the changes with what the system user holds (nothing yet: no loss).
    app.wait.until(
        lambda d: not d.find_elements(By.XPATH, "//*[starts-with(normalize-space(), 'Comparing with what')]")
    )
    assert not app.driver.find_elements(By.XPATH, "//*[contains(text(), 'could not compare')]")
    assert not app.driver.find_elements(By.XPATH, "//*[contains(text(), 'loses access it has now')]")
    app.screenshot("3-review")
    app.button("Apply 5 changes").click()
    app.wait.until(lambda d: d.find_element(By.XPATH, "//button[normalize-space()='Assign more assets']"))
    body = app.wait.until(lambda d: d.find_element(By.TAG_NAME, "main").text)
    assert "5" in body and "failed" not in body.lower().replace("0 failed", ""), body
    app.screenshot("4-applied")
    app.wait.until(
        lambda d: d.find_element(By.XPATH, "//a[normalize-space()='Back to Ads Reporting Server']")
    ).click()
    app.heading("Ads Reporting Server")
    app.wait.until(lambda d: "3 ad accounts" in d.find_element(By.TAG_NAME, "main").text)
    main = app.driver.find_element(By.TAG_NAME, "main").text
    assert "Full control" in main
    app.screenshot("5-system-user")

    # 3. Install the app, then a 60-day token with ads_management.
    dialog = open_generate_dialog(app)
    # The dialog loads the apps after it opens.
    app.wait.until(lambda d: dialog.find_element(By.XPATH, choice("Brightline Ads Manager"))).click()
    app.wait.until(
        lambda d: d.find_element(
            By.XPATH, "//button[starts-with(normalize-space(), 'Install Brightline Ads Manager')]"
        )
    ).click()
    app.wait.until(lambda d: "is installed on Ads Reporting Server" in dialog.text)
    app.screenshot("6-app-installed")
    next_step(app)
    app.wait.until(lambda d: d.find_element(By.XPATH, choice("60 days (recommended)"))).click()
    next_step(app)
    app.wait.until(lambda d: d.find_element(By.XPATH, scope_check("ads_management"))).click()
    app.wait.until(lambda d: "added because ads_management needs it" in dialog.text)
    app.screenshot("7-permissions")
    next_step(app)
    generate = app.wait.until(
        lambda d: d.find_element(By.XPATH, "//*[@role='dialog']//button[normalize-space()='Generate token' and not(@disabled)]")
    )
    app.screenshot("8-readiness")
    generate.click()

    # 4. The copy-once dialog: copy from Rust, the clipboard holds it, then it is cleared.
    copy = app.wait.until(lambda d: d.find_element(By.XPATH, "//button[normalize-space()='Copy']"))
    masked = app.driver.find_element(By.CSS_SELECTOR, ".token-mask").text
    assert "•" in masked
    copy.click()
    app.wait.until(lambda d: "Clipboard clears in" in d.find_element(By.CSS_SELECTOR, "[role='dialog']").text)
    app.screenshot("9-copied")
    app.button("Reveal").click()
    token = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "textarea.token-reveal")).get_attribute("value")
    assert len(token) > 20 and masked.endswith(token[-4:])
    remember_secret(token)
    assert clipboard() == token, "the system clipboard holds the token"
    time.sleep(CLEAR_AFTER_SECS + 2)
    assert clipboard() != token, "the clipboard no longer holds the token after the countdown"
    app.wait.until(lambda d: "Clipboard cleared" in d.find_element(By.CSS_SELECTOR, "[role='dialog']").text)
    dialog_text = app.driver.find_element(By.CSS_SELECTOR, "[role='dialog']").text
    assert "ads_management" in dialog_text
    app.button("Close").click()
    app.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[role='dialog']"))

    # 5. Inspect it.
    app.link("Inspect token").click()
    field = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "input[type='password']"))
    field.send_keys(token)
    app.button("Inspect").click()
    app.wait.until(lambda d: "ads_management" in d.find_element(By.TAG_NAME, "main").text)
    main = app.driver.find_element(By.TAG_NAME, "main").text
    assert "System user" in main and "Ads Reporting Server" in main, main
    assert "59 days" in main or "60 days" in main, main
    app.screenshot("10-inspected")

    # 6. The token inventory lists it by its last characters (never the token), and the audit
    # log has every change of the walk.
    app.link("Tokens").click()
    app.heading("Tokens")
    grid = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='grid'][aria-label='Tokens']"))
    app.wait.until(lambda d: f"…{token[-6:]}" in grid.text and "Ads Reporting Server" in grid.text)
    assert token not in app.driver.find_element(By.TAG_NAME, "body").text
    app.screenshot("11-tokens")
    app.driver.execute_script("document.documentElement.dataset.theme = 'dark'")
    app.screenshot("11-tokens-dark")
    app.driver.execute_script("document.documentElement.dataset.theme = 'light'")
    # "I leaked it…": the engine's steps, stop first (Gatehouse kept no copy: invalidate).
    grid.find_element(By.XPATH, f".//button[@aria-label='I leaked it… token …{token[-6:]}']").click()
    rescue = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
    app.wait.until(lambda d: "Stop it now" in rescue.text)
    steps = [li.text for li in rescue.find_elements(By.CSS_SELECTOR, "li")]
    # Numbered: "1", then the step's words.
    assert steps[0].lstrip("1 \n").startswith("Stop it now"), steps
    assert steps[1].lstrip("2 \n").startswith("Make a replacement"), steps
    assert token not in rescue.text
    app.screenshot("11-leaked")
    # Dark, and two frames for the dialog's layer to repaint before the screenshot.
    app.driver.execute_async_script(
        "const done = arguments[0]; document.documentElement.dataset.theme = 'dark';"
        "requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 200)));"
    )
    app.screenshot("11-leaked-dark")
    app.driver.execute_script("document.documentElement.dataset.theme = 'light'")
    rescue.find_element(By.XPATH, ".//button[normalize-space()='Close']").click()
    app.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[role='dialog']"))
    app.link("Audit log").click()
    app.heading("Audit log")
    log = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='grid'][aria-label='Audit log entries']"))
    for change in ("System user created", "Asset assigned", "Token generated"):
        app.wait.until(lambda d, change=change: change in log.text)
    assert f"…{token[-6:]}" in log.text, "the generated token is named by its fingerprint"
    app.screenshot("12-audit-log")


def test_the_limit_of_a_limited_tier_portfolio_is_explained(app):
    app.open_portfolio("Lucky Shrub")
    app.link("System users").click()
    app.heading("System users")
    app.wait.until(lambda d: "on the Limited tier" in d.find_element(By.TAG_NAME, "main").text)
    add_system_user(app, "Shop Sync")
    app.text("“Shop Sync” was added as a regular system user.")
    add_system_user(app, "Second Server")
    dialog = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
    app.wait.until(lambda d: "limit" in dialog.text.lower())
    text = dialog.text
    assert "Limited" in text, text
    assert "#" not in text and "OAuthException" not in text, "no raw Graph text"
    name = dialog.find_element(By.XPATH, ".//input[@type='text']")
    assert name.get_attribute("value") == "Second Server", "what the user typed is kept"
    app.screenshot("limit")


def test_a_permission_the_app_cannot_grant_is_explained(app):
    app.link("System users").click()
    app.heading("System users")
    app.wait.until(lambda d: d.find_element(By.XPATH, "//a[normalize-space()='Reporting Server']")).click()
    app.heading("Reporting Server")
    dialog = open_generate_dialog(app)
    # The dialog loads the apps after it opens.
    app.wait.until(lambda d: dialog.find_element(By.XPATH, choice("Brightline Ads Manager"))).click()
    next_step(app)
    next_step(app)
    app.wait.until(lambda d: d.find_element(By.XPATH, "//button[normalize-space()='WhatsApp messaging']")).click()
    next_step(app)
    app.wait.until(
        lambda d: d.find_element(By.XPATH, "//*[@role='dialog']//button[normalize-space()='Generate token' and not(@disabled)]")
    ).click()
    app.wait.until(lambda d: "No token was generated" in dialog.text)
    text = dialog.text
    assert "use cases" in text.lower() and "whatsapp_business_management" in text, text
    app.screenshot("permission-refused")


def test_a_business_without_an_app_adds_one_then_has_system_users(app):
    app.open_portfolio("Harbor & Vine")
    app.link("System users").click()
    app.heading("System users")
    app.text("The business owns no app, and Meta allows system users only in a business that owns one.")
    add = app.driver.find_element(By.XPATH, "//button[normalize-space()='Add system user']")
    assert add.get_attribute("disabled") is not None, "no system users without an app"
    form = app.driver.find_element(By.CSS_SELECTOR, "form[aria-label='Add an app to the business']")
    field = form.find_element(By.TAG_NAME, "input")
    assert field.get_attribute("value"), "prefilled with the app Gatehouse signs in with"
    app.screenshot("no-app")
    theme = app.driver.execute_script("return document.documentElement.dataset.theme || ''")
    app.driver.execute_script("document.documentElement.dataset.theme = 'dark'")
    app.screenshot("no-app-dark")
    app.driver.execute_script("document.documentElement.dataset.theme = arguments[0]", theme)
    form.find_element(By.XPATH, ".//button[normalize-space()='Add app to the business']").click()
    app.wait.until(lambda d: "now belongs to the business" in d.find_element(By.TAG_NAME, "main").text)
    app.wait.until(lambda d: not d.find_elements(By.XPATH, "//*[contains(text(), 'owns no app, and Meta allows')]"))
    add_system_user(app, "Orders Server")
    app.text("“Orders Server” was added as a regular system user.")
    # Its counts arrive after the list: none yet.
    row = "//*[@role='row'][.//*[normalize-space()='Orders Server']]"

    def counts(d):
        cells = d.find_element(By.XPATH, row).find_elements(By.CSS_SELECTOR, "[role='gridcell']")
        return [c.text for c in cells[2:4]]

    app.wait.until(lambda d: counts(d) == ["0", "0"])
    app.screenshot("app-added")
