"""The admin console at /admin, in headless Chromium and over plain HTTP.

In the browser: sign in with an admin key, create a key and read its secret once, revoke it and see
it refused, see usage after a few requests, test a text against the default policy, sign out; a
screenshot of every page goes to the folder printed at the start. Over HTTP: a plain key cannot
sign in, the cookie's flags, CSRF on every state-changing request, the security headers, sessions
ended by sign-out and by revoking the admin key, hostile input answered 4xx, and (PostgreSQL) a
session that works on every replica.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import requests

from console_browser import browser, screenshot
from postgres_cluster import PASSWORD, postgres_available
from sluice_harness import KEY_FULL_RE, Sluice, poll, unique_name

PAGES = ["keys", "teams", "usage", "policies", "audit", "status"]


def admin_key(srv: Sluice, name: str | None = None, *cli_args: str) -> tuple[str, str]:
    name = name or unique_name("admin")
    info = srv.cli_json("keys", "create", "--name", name, "--role", "admin", *cli_args)
    return name, info["key"]


def sign_in(srv: Sluice, key: str) -> requests.Session:
    """A requests session signed in to the console with `key` (asserting it worked)."""
    session = requests.Session()
    session.trust_env = False
    response = session.post(srv.url + "/admin/login", data={"key": key}, allow_redirects=False, timeout=10)
    assert response.status_code == 303, (response.status_code, response.text[:500])
    assert response.headers["location"] == "/admin/keys"
    return session


def csrf_of(srv: Sluice, session: requests.Session) -> str:
    page = session.get(srv.url + "/admin/keys", timeout=10)
    assert page.status_code == 200, page.status_code
    match = re.search(r'<meta name="csrf-token" content="([0-9a-f]{64})">', page.text)
    assert match, page.text[:500]
    return match.group(1)


@pytest.fixture(scope="module")
def console(module_sluice) -> Sluice:
    return module_sluice()


@pytest.fixture(scope="module")
def driver():
    d = browser()
    yield d
    d.quit()


def wait_for(driver, predicate, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception:  # noqa: BLE001 - the page may be between states
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; page: {driver.current_url}\n{driver.page_source[:3000]}")
        time.sleep(0.1)


def browser_sign_in(driver, srv: Sluice, key: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(srv.url + "/admin/login")
    field = driver.find_element(By.ID, "key")
    field.clear()
    field.send_keys(key)
    driver.find_element(By.CSS_SELECTOR, "form[action='/admin/login'] button[type=submit]").click()
    wait_for(driver, lambda: driver.current_url.endswith("/admin/keys"), what="the keys page")
    wait_for(driver, lambda: driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true", what="the page script")


# ------------------------------------------------------------------ in the browser


def test_admin_signs_in_creates_a_key_sees_it_once_and_revokes_it(console: Sluice, driver) -> None:
    from selenium.webdriver.common.by import By

    name, key = admin_key(console)
    driver.delete_all_cookies()
    driver.get(console.url + "/admin/login")
    screenshot(driver, "login")
    browser_sign_in(driver, console, key)
    assert name in driver.find_element(By.CLASS_NAME, "who").text

    cookie = driver.get_cookie("sluice_console")
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/admin"
    assert not cookie["secure"]  # plain HTTP listener
    assert driver.execute_script("return document.cookie") == ""  # scripts cannot read it

    new_name = unique_name("made-in-console")
    driver.find_element(By.CSS_SELECTOR, "#create-key input[name=name]").send_keys(new_name)
    driver.find_element(By.CSS_SELECTOR, "#create-key button[type=submit]").click()
    secret = wait_for(driver, lambda: driver.find_element(By.ID, "new-secret").text, what="the new key's secret")
    assert KEY_FULL_RE.match(secret), secret
    console.minted_keys.add(secret)
    screenshot(driver, "keys-new-secret")
    assert driver.find_element(By.ID, "copy-secret").is_displayed()

    # The secret works...
    reply = console.openai(secret).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert reply.choices[0].message.content

    # ...and is never shown again.
    driver.refresh()
    wait_for(driver, lambda: driver.find_element(By.CSS_SELECTOR, f"tr[data-key='{new_name}']"), what="the new key's row")
    assert secret not in driver.page_source
    assert not driver.find_elements(By.ID, "new-secret")
    # Models column: a user key without models may use all; an admin key without models, none.
    models_cell = lambda row: driver.find_elements(By.CSS_SELECTOR, f"tr[data-key='{row}'] td")[5].text
    assert (models_cell(new_name), models_cell(name)) == ("all", "none")
    screenshot(driver, "keys")

    driver.find_element(By.CSS_SELECTOR, f"tr[data-key='{new_name}'] button.danger").click()
    driver.switch_to.alert.accept()
    wait_for(driver, lambda: "revoked" in driver.find_element(By.CSS_SELECTOR, f"tr[data-key='{new_name}']").text,
             what="the key to show as revoked")
    # Keys are checked through a half-second cache: refused within a second.
    def attempt() -> bool:
        body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
        return console.post("/v1/chat/completions", key=secret, json=body).status_code == 401
    refused, elapsed = poll(attempt, timeout=3)
    assert refused and elapsed < 2, elapsed


def test_usage_policies_and_every_page_render(console: Sluice, driver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _, admin = admin_key(console)
    user_name = unique_name("spender")
    user = console.create_key(user_name)
    client = console.openai(user)
    for _ in range(3):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hello"}])

    driver.delete_all_cookies()
    browser_sign_in(driver, console, admin)
    driver.get(console.url + "/admin/usage")
    # Usage reaches the database through the journal within a moment.
    def usage_shows_key() -> bool:
        driver.refresh()
        wait_for(driver, lambda: driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true", what="usage")
        return user_name in driver.find_element(By.ID, "usage-output").text
    wait_for(driver, usage_shows_key, timeout=20, what="the key's usage")
    # No prices are configured here, so spend is zero: chart the requests instead.
    Select(driver.find_element(By.CSS_SELECTOR, "#usage-controls select[name=measure]")).select_by_value("requests")
    bars = wait_for(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#usage-output svg.chart rect"), what="the chart's bars")
    titles = " ".join(bar.find_element(By.TAG_NAME, "title").get_attribute("textContent") for bar in bars)
    assert f"{user_name}, " in titles and ": 3" in titles, titles
    screenshot(driver, "usage")

    driver.get(console.url + "/admin/policies")
    wait_for(driver, lambda: "stages" in driver.find_element(By.ID, "policy-source").text, what="the policy file")
    text = "card 4111 1111 1111 1111, key AKIAIOSFODNN7EXAMPLE"
    driver.find_element(By.ID, "policy-text").send_keys(text)
    driver.find_element(By.CSS_SELECTOR, "#policy-test button[type=submit]").click()
    scrubbed = wait_for(driver, lambda: driver.find_element(By.ID, "policy-scrubbed").text, what="the scrubbed text")
    verdict = driver.find_element(By.ID, "policy-verdict").text
    assert "allowed" in verdict and "PAYMENT_CARD" in verdict and "AWS_ACCESS_KEY" in verdict, verdict
    assert scrubbed.startswith("card ") and "4111 1111 1111 1111" not in scrubbed and "AKIAIOSFODNN7EXAMPLE" not in scrubbed, scrubbed
    screenshot(driver, "policies")

    for page in ("teams", "audit", "status"):
        driver.get(console.url + "/admin/" + page)
        wait_for(driver, lambda: driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true", what=page)
        assert not driver.find_elements(By.CSS_SELECTOR, ".notice.error:not([hidden])"), driver.page_source[:2000]
        text = driver.find_element(By.ID, "page").text
        assert "[object" not in text and "undefined" not in text and "NaN" not in text, text[:2000]
        if page == "audit":
            assert "key.created" in text and "name: " + user_name in text, text[:2000]
        screenshot(driver, page)


def test_teams_key_edits_and_rotation_in_the_browser(console: Sluice, driver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _, admin = admin_key(console)
    key_name = unique_name("edited")
    old_secret = console.create_key(key_name)
    team = unique_name("platform")
    driver.delete_all_cookies()
    browser_sign_in(driver, console, admin)

    driver.get(console.url + "/admin/teams")
    wait_for(driver, lambda: driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true", what="teams")
    driver.find_element(By.CSS_SELECTOR, "#create-team input[name=name]").send_keys(team)
    driver.find_element(By.CSS_SELECTOR, "#create-team input[name=budget]").send_keys("25")
    driver.find_element(By.CSS_SELECTOR, "#create-team button[type=submit]").click()
    wait_for(driver, lambda: "$25.00/month" in driver.find_element(By.ID, "page").text, what="the new team")
    screenshot(driver, "teams")

    driver.get(console.url + "/admin/keys")
    row = wait_for(driver, lambda: driver.find_element(By.CSS_SELECTOR, f"tr[data-key='{key_name}']"), what="the key's row")
    row.find_element(By.XPATH, ".//button[text()='Edit']").click()
    dialog = wait_for(driver, lambda: driver.find_element(By.CSS_SELECTOR, "dialog[open]"), what="the edit dialog")
    Select(dialog.find_element(By.NAME, "team")).select_by_value(team)
    dialog.find_element(By.NAME, "budget").send_keys("3.5")
    Select(dialog.find_element(By.NAME, "period")).select_by_value("week")
    dialog.find_element(By.NAME, "models").send_keys("gpt-4o,claude-*")
    screenshot(driver, "keys-edit")
    dialog.find_element(By.XPATH, ".//button[text()='Save']").click()
    wait_for(driver, lambda: "$3.50/week" in driver.find_element(By.CSS_SELECTOR, f"tr[data-key='{key_name}']").text,
             what="the edited key")
    shown = console.cli_json("keys", "show", key_name)
    assert (shown["team"], shown["budget_usd"], shown["budget_period"], shown["models"]) == (team, 3.5, "week", ["gpt-4o", "claude-*"])

    row = driver.find_element(By.CSS_SELECTOR, f"tr[data-key='{key_name}']")
    row.find_element(By.XPATH, ".//button[text()='Rotate']").click()
    dialog = wait_for(driver, lambda: driver.find_element(By.CSS_SELECTOR, "dialog[open]"), what="the rotate dialog")
    grace = dialog.find_element(By.NAME, "grace")
    grace.clear()
    grace.send_keys("10m")
    dialog.find_element(By.XPATH, ".//button[text()='Rotate']").click()
    new_secret = wait_for(driver, lambda: driver.find_element(By.ID, "new-secret").text, what="the rotated secret")
    console.minted_keys.add(new_secret)
    assert KEY_FULL_RE.match(new_secret) and new_secret != old_secret
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
    # Both secrets work within the grace window.
    assert console.post("/v1/chat/completions", key=new_secret, json=body).status_code == 200
    assert console.post("/v1/chat/completions", key=old_secret, json=body).status_code == 200


def test_signing_out_ends_the_session(console: Sluice, driver) -> None:
    from selenium.webdriver.common.by import By

    _, admin = admin_key(console)
    driver.delete_all_cookies()
    browser_sign_in(driver, console, admin)
    old = driver.get_cookie("sluice_console")["value"]
    driver.find_element(By.CSS_SELECTOR, "form.signout button").click()
    wait_for(driver, lambda: driver.current_url.endswith("/admin/login"), what="the sign-in page")
    assert driver.get_cookie("sluice_console") is None
    # The old cookie is worthless now, wherever it is replayed from.
    replay = requests.get(console.url + "/admin/api/keys", cookies={"sluice_console": old}, timeout=10)
    assert replay.status_code == 401
    page = requests.get(console.url + "/admin/keys", cookies={"sluice_console": old}, allow_redirects=False, timeout=10)
    assert page.status_code == 303 and page.headers["location"] == "/admin/login"


def test_the_console_is_usable_with_the_keyboard_alone(console: Sluice, driver) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _, admin = admin_key(console)
    driver.delete_all_cookies()
    driver.get(console.url + "/admin/login")
    # The key field has the focus on arrival; Enter submits.
    assert driver.switch_to.active_element.get_attribute("id") == "key"
    ActionChains(driver).send_keys(admin + Keys.ENTER).perform()
    wait_for(driver, lambda: driver.current_url.endswith("/admin/keys"), what="the keys page")
    wait_for(driver, lambda: driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true", what="the page script")
    # From the top of a freshly loaded page, Tab reaches the navigation, the focused link is
    # visibly marked, and Enter follows it.
    driver.get(console.url + "/admin/keys")
    wait_for(driver, lambda: driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true", what="the page script")
    for _ in range(30):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused = driver.switch_to.active_element
        if focused.text.strip() == "Usage":
            break
    else:
        pytest.fail("Tab never reached the Usage link")
    marks = [focused.value_of_css_property(name) for name in ("outline-style", "box-shadow")]
    assert marks != ["none", "none"], marks
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait_for(driver, lambda: driver.current_url.endswith("/admin/usage"), what="the usage page")


# ------------------------------------------------------------------ over HTTP


def test_a_plain_key_cannot_sign_in(console: Sluice) -> None:
    plain = console.create_key(unique_name("plain"))
    response = requests.post(console.url + "/admin/login", data={"key": plain}, allow_redirects=False, timeout=10)
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    assert "not an admin key" in response.text
    unknown = requests.post(console.url + "/admin/login", data={"key": "sk-sluice-" + "x" * 40}, allow_redirects=False, timeout=10)
    assert unknown.status_code == 401 and "set-cookie" not in unknown.headers


def test_the_session_cookie_has_its_flags(console: Sluice) -> None:
    _, admin = admin_key(console)
    response = requests.post(console.url + "/admin/login", data={"key": admin}, allow_redirects=False, timeout=10)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("sluice_console=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite", "path", "max-age"} <= attributes
    assert "SameSite=Strict" in cookie and "Path=/admin" in cookie
    assert "secure" not in attributes  # the listener is plain HTTP here; test_console_tls checks Secure
    assert admin not in cookie


def test_state_changes_need_the_csrf_token(console: Sluice) -> None:
    _, admin = admin_key(console)
    session = sign_in(console, admin)
    token = csrf_of(console, session)
    body = {"name": unique_name("csrf")}
    missing = session.post(console.url + "/admin/api/keys", json=body, timeout=10)
    assert missing.status_code == 403, missing.text
    wrong = session.post(console.url + "/admin/api/keys", json=body, headers={"X-CSRF-Token": "0" * 64}, timeout=10)
    assert wrong.status_code == 403, wrong.text
    other_session = sign_in(console, admin)
    borrowed = session.post(console.url + "/admin/api/keys", json=body, headers={"X-CSRF-Token": csrf_of(console, other_session)},
                            timeout=10)
    assert borrowed.status_code == 403, "another session's token must not do"
    assert not any(k["name"] == body["name"] for k in keys_of(session.get(console.url + "/admin/api/keys", timeout=10).json()))
    right = session.post(console.url + "/admin/api/keys", json=body, headers={"X-CSRF-Token": token}, timeout=10)
    assert right.status_code in (200, 201), right.text
    console.collect_keys(right.text)
    # Reading needs no token; signing out does.
    assert session.get(console.url + "/admin/api/keys", timeout=10).status_code == 200
    logout = session.post(console.url + "/admin/logout", data={"csrf_token": "nope"}, allow_redirects=False, timeout=10)
    assert logout.status_code == 403
    assert session.get(console.url + "/admin/api/keys", timeout=10).status_code == 200


def keys_of(answer: Any) -> list[dict[str, Any]]:
    return answer if isinstance(answer, list) else answer.get("keys", answer.get("data", []))


def test_console_changes_are_audited_under_the_admins_name(console: Sluice) -> None:
    admin_name, admin = admin_key(console)
    session = sign_in(console, admin)
    token = csrf_of(console, session)
    name = unique_name("audited")
    created = session.post(console.url + "/admin/api/keys", json={"name": name}, headers={"X-CSRF-Token": token}, timeout=10)
    assert created.status_code in (200, 201), created.text
    console.collect_keys(created.text)
    entries = console.cli_json("audit", "--since", "1h")
    entries = entries if isinstance(entries, list) else entries.get("entries", [])
    mine = [e for e in entries if e["action"] == "key.created" and e["target"] == name]
    assert mine and mine[0]["actor"] == "admin:" + admin_name, entries[-5:]


def test_pages_carry_security_headers_and_are_never_cached(console: Sluice) -> None:
    _, admin = admin_key(console)
    session = sign_in(console, admin)
    for path in ["/admin/login"] + [f"/admin/{p}" for p in PAGES]:
        response = session.get(console.url + path, timeout=10)
        assert response.status_code == 200, (path, response.status_code)
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "script-src 'self'" in csp, csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"
        # No asset from anywhere else.
        assert not re.search(r'(src|href)="(https?:)?//', response.text), path
    for asset in ("console.css", "console.js"):
        response = requests.get(console.url + "/admin/assets/" + asset, timeout=10)
        assert response.status_code == 200 and len(response.content) > 500
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", response.text), asset


def test_without_a_session_pages_send_you_to_sign_in(console: Sluice) -> None:
    for path in ["/admin", "/admin/keys", "/admin/status"]:
        response = requests.get(console.url + path, allow_redirects=False, timeout=10)
        assert response.status_code == 303 and response.headers["location"] == "/admin/login", path
    assert requests.get(console.url + "/admin/api/keys", timeout=10).status_code == 401
    forged = requests.get(console.url + "/admin/api/keys", cookies={"sluice_console": "sluice_cs_" + "a" * 43}, timeout=10)
    assert forged.status_code == 401


def test_revoking_the_admin_key_ends_its_sessions(console: Sluice) -> None:
    name, admin = admin_key(console)
    session = sign_in(console, admin)
    assert session.get(console.url + "/admin/api/keys", timeout=10).status_code == 200
    console.revoke_key(name)
    assert session.get(console.url + "/admin/api/keys", timeout=10).status_code == 401
    page = session.get(console.url + "/admin/keys", allow_redirects=False, timeout=10)
    assert page.status_code == 303


def test_hostile_requests_get_4xx_pages(console: Sluice) -> None:
    url = console.url
    cases = [
        requests.post(url + "/admin/login", data=b"key=%zz", headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10),
        requests.post(url + "/admin/login", data={"key": ""}, timeout=10),
        requests.post(url + "/admin/login", data={"key": "x" * 100_000}, timeout=10),
        requests.post(url + "/admin/login", data={"key": "sk-sluice-nope"}, headers={"Origin": "https://evil.example"}, timeout=10),
        requests.get(url + "/admin/assets/../../etc/passwd", timeout=10),
        requests.get(url + "/admin/assets/page.html", timeout=10),
        requests.get(url + "/admin/keys", cookies={"sluice_console": "\u00e9" * 300}, timeout=10),
        requests.get(url + "/admin/sso/start", timeout=10),
        requests.get(url + "/admin/sso/callback?code=a&state=b", timeout=10),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500 or response.status_code == 200 and "Sign in" in response.text, (
            response.request.method, response.request.url, response.status_code, response.text[:300])
    assert console.running


def test_over_tls_the_session_cookie_is_secure(sluice, tmp_path) -> None:
    from test_listener_tls import Authority, serve_https

    ca = Authority(tmp_path, "console-ca")
    certificate, key = ca.issue("console")
    srv = sluice(start=False)
    srv.config["tls"] = {"cert_file": str(certificate), "key_file": str(key)}
    srv.write_config()
    url = serve_https(srv, ca.certificate)
    _, admin = admin_key(srv)
    response = requests.post(url + "/admin/login", data={"key": admin}, allow_redirects=False, verify=str(ca.certificate), timeout=10)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.endswith("; Secure") and "HttpOnly" in cookie and "SameSite=Strict" in cookie, cookie


@pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not installed")
def test_a_session_started_on_one_replica_works_on_another(sluice, postgres) -> None:
    config = {"database": postgres.create_database(), "database_password_env": "SLUICE_DB_PASSWORD", "database_pool": 4}
    first, second = (sluice(extra_config=config, env={"SLUICE_DB_PASSWORD": PASSWORD}) for _ in range(2))
    _, admin = admin_key(first, None, "--config", str(first.config_path))
    session = sign_in(first, admin)
    cookie = session.cookies.get("sluice_console")
    token = csrf_of(first, session)
    on_second = requests.Session()
    on_second.cookies.set("sluice_console", cookie)
    assert on_second.get(second.url + "/admin/keys", timeout=10).status_code == 200
    created = on_second.post(second.url + "/admin/api/keys", json={"name": unique_name("replica")}, headers={"X-CSRF-Token": token},
                             timeout=10)
    assert created.status_code in (200, 201), created.text
    second.collect_keys(created.text)
    signout = session.post(first.url + "/admin/logout", data={"csrf_token": token}, allow_redirects=False, timeout=10)
    assert signout.status_code == 303
    assert on_second.get(second.url + "/admin/api/keys", timeout=10).status_code == 401
