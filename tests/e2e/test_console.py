"""The agency console in demo mode: every demo portfolio listed; checking them all finds what
has drifted in each, with the fix, while the open portfolio stays open."""

from selenium.webdriver.common.by import By


def test_all_portfolios_are_listed_and_checked_for_drift(app):
    app.link("All portfolios").click()
    app.heading("All portfolios")
    table = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='grid'][aria-label='Portfolios']"))
    app.wait.until(lambda d: "Lucky Shrub Garden Supply" in table.text and "Brightline Digital Partners" in table.text)
    app.button("Check all").click()
    app.wait.until(lambda d: "Not checked" not in table.text and "Checking" not in table.text)
    main = app.driver.find_element(By.TAG_NAME, "main").text
    assert "only admins reach them" in main, main
    assert "Demo: nothing leaves this computer" in app.driver.find_element(By.TAG_NAME, "body").text
    app.screenshot("1-console")
    app.driver.execute_script("document.documentElement.dataset.theme = 'dark'")
    app.screenshot("1-console-dark")
    app.driver.execute_script("document.documentElement.dataset.theme = 'light'")
