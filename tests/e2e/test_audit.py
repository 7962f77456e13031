"""The audit log in demo mode: a system user added and renamed in the app appear as the app's
changes, newest first, with the chain's check; a filter narrows them; the export is a CSV file
with those entries (and no secret: the leak scan searches it too)."""

import csv
import os
import pathlib

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def rows(app):
    table = app.driver.find_element(By.CSS_SELECTOR, "[role='grid'][aria-label='Audit log entries']")
    return [r.text for r in table.find_elements(By.CSS_SELECTOR, "[role='row']")[1:]]


def test_changes_made_in_the_app_are_in_the_audit_log_and_its_export(app):
    app.link("System users").click()
    app.heading("System users")
    app.button("Add system user").click()
    dialog = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
    dialog.find_element(By.XPATH, ".//input[@type='text']").send_keys("Audit Trail Server", Keys.ENTER)
    app.text("“Audit Trail Server” was added as a regular system user.")
    rename = app.wait.until(
        lambda d: d.find_element(By.CSS_SELECTOR, "button[aria-label='Rename Audit Trail Server']")
    )
    rename.click()
    dialog = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
    field = dialog.find_element(By.XPATH, ".//input[@type='text']")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("Audit Trail Server (EU)", Keys.ENTER)
    app.text("“Audit Trail Server” is now called “Audit Trail Server (EU)”.")

    app.link("Audit log").click()
    app.heading("Audit log")
    app.text("The log is intact")
    app.wait.until(lambda d: any("Audit Trail Server (EU)" in r for r in rows(app)))
    newest, before = rows(app)[0], rows(app)[1]
    assert "System user renamed" in newest and "Done" in newest and "Desktop app" in newest, newest
    assert "System user created" in before and "Added regular system user “Audit Trail Server”" in before, before
    app.screenshot("1-log")
    app.driver.execute_script("document.documentElement.dataset.theme = 'dark'")
    app.screenshot("1-log-dark")
    app.driver.execute_script("document.documentElement.dataset.theme = 'light'")

    # Words narrow it to the rename.
    search = app.driver.find_element(By.XPATH, "//label[normalize-space()='Search']/following-sibling::input")
    search.send_keys("(EU)")
    app.wait.until(lambda d: len(rows(app)) == 1 and "System user renamed" in rows(app)[0])
    app.screenshot("2-filtered")

    app.button("Export CSV").click()
    app.wait.until(lambda d: "Exported 1 entry" in d.find_element(By.TAG_NAME, "main").text)
    exports = pathlib.Path(os.environ["GATEHOUSE_EXPORT_DIR"])
    files = sorted(exports.glob("gatehouse-audit-*.csv"))
    assert files, f"no export in {exports}"
    with files[-1].open(newline="") as f:
        exported = list(csv.DictReader(f))
    assert [e["action"] for e in exported] == ["system_user_renamed"], exported
    assert exported[0]["surface"] == "app" and exported[0]["target name"] == "Audit Trail Server (EU)"
