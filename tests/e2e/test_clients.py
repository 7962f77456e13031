"""On Behalf Of in demo mode, in the real window: the agency links a client business with the
client admin's token, gets a system user and token inside it (shown once), gives it a client ad
account, sees the client listed, then removes the link."""

from selenium.webdriver.common.by import By


def test_link_a_client_get_its_token_give_it_an_ad_account_and_remove_the_link(app, demo_manifest):
    client = next(b for b in demo_manifest["businesses"] if b["name"] == "Peak Trail Outfitters")
    app.link("Clients").click()
    app.heading("Clients")
    app.text("No client linked through Gatehouse yet. Link one to work inside its business.")
    app.button("Link a client").click()

    # 1. The client business, by its ID.
    app.wait.until(lambda d: d.find_element(By.XPATH, "//label[contains(., 'Another business')]")).click()
    field = app.wait.until(
        lambda d: d.find_element(By.XPATH, "//label[normalize-space()='Client business ID']/following-sibling::input")
    )
    field.send_keys(client["id"])
    app.button("Next").click()

    # 2. What the client will see, and its admin's token.
    app.text("What the client will see")
    token_field = app.driver.find_element(By.XPATH, "//input[@type='password']")
    token_field.send_keys(client["user_token"])
    app.screenshot("1-link")
    app.driver.execute_script("document.documentElement.dataset.theme = 'dark'")
    app.screenshot("1-link-dark")
    app.driver.execute_script("document.documentElement.dataset.theme = 'light'")
    app.button("Link client").click()

    # 3. A system user and its token inside the client's business, shown once.
    app.wait.until(lambda d: "is linked" in d.find_element(By.TAG_NAME, "main").text)
    name = app.driver.find_element(
        By.XPATH, "//label[starts-with(normalize-space(), \"System user's name\")]/following-sibling::input"
    )
    name.send_keys("Agency Reporting")
    app.button("Make the system user and its token").click()
    dialog = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
    assert "Agency Reporting" in dialog.text, dialog.text
    app.screenshot("2-token")
    dialog.find_element(By.XPATH, ".//button[normalize-space()='Close']").click()
    app.button("Close without copying").click()
    app.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[role='dialog']"))

    # 4. One of the client's ad accounts, with full control.
    app.button("Next: give it assets").click()
    listbox = app.wait.until(
        lambda d: d.find_element(By.CSS_SELECTOR, "[role='listbox'][aria-label=\"The client's ad accounts\"]")
    )
    app.wait.until(lambda d: listbox.find_elements(By.CSS_SELECTOR, "[role='option']"))[0].click()
    app.button("Give 1 ad account").click()
    app.text("1 of 1 given to “Agency Reporting”")
    app.screenshot("3-assets")
    app.button("Finish").click()
    app.button("Close").click()

    table = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='grid'][aria-label='Linked clients']"))
    app.wait.until(lambda d: client["id"] in table.text)
    app.screenshot("4-linked")
    table.find_element(By.XPATH, ".//button[starts-with(@aria-label, 'Remove the link with')]").click()
    confirm = app.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role='dialog']"))
    assert "stops working at once" in confirm.text
    confirm.find_element(By.XPATH, ".//button[normalize-space()='Remove link']").click()
    app.wait.until(lambda d: "is removed, with its system user and tokens" in d.find_element(By.TAG_NAME, "main").text)
