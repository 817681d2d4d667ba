"""Single sign-on to the console against an OpenID provider the tests run themselves
(mock_oidc.py): the authorization-code flow with PKCE, state and nonce, ID tokens signed RS256.

An admin (by email, or by group claim) signs in end to end in headless Chromium; a non-admin sees a
page saying so and gets no session; ID tokens with a bad signature, an unknown key, the wrong
audience or issuer, a past expiry or the wrong nonce are refused with a 4xx page and a log line,
as are a state that is not the browser's and a replayed code.
"""

from __future__ import annotations

import re
import time
import urllib.parse

import pytest
import requests

from console_browser import browser, screenshot
from mock_oidc import MockOpenIDProvider, pkce_challenge
from sluice_harness import Sluice, unique_name

SECRET_ENV = "SLUICE_TEST_OIDC_SECRET"


@pytest.fixture(scope="module")
def provider():
    p = MockOpenIDProvider().start()
    yield p
    p.stop()


@pytest.fixture
def idp(provider: MockOpenIDProvider) -> MockOpenIDProvider:
    provider.reset()
    return provider


@pytest.fixture(scope="module")
def sso(module_sluice, provider: MockOpenIDProvider) -> Sluice:
    oidc = {"issuer": provider.issuer, "client_id": provider.client_id, "client_secret_env": SECRET_ENV,
            "admins": ["admin@example.com", "Second.Admin@Example.com"],
            "admin_group_claim": {"claim": "groups", "value": "sluice-admins"}}
    return module_sluice(extra_config={"console": {"oidc": oidc}}, env={SECRET_ENV: provider.client_secret})


def new_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def start(srv: Sluice, session: requests.Session, idp: MockOpenIDProvider) -> str:
    """Starts a sign-on; returns the callback URL the provider redirects back to."""
    begin = session.get(srv.url + "/admin/sso/start", allow_redirects=False, timeout=10)
    assert begin.status_code == 303, (begin.status_code, begin.text[:300])
    location = begin.headers["location"]
    assert location.startswith(idp.issuer + "/authorize?"), location
    authorize = session.get(location, allow_redirects=False, timeout=10)
    assert authorize.status_code == 302, authorize.text
    return authorize.headers["location"]


def sign_on(srv: Sluice, idp: MockOpenIDProvider, session: requests.Session | None = None) -> requests.Response:
    session = session or new_session()
    return session.get(start(srv, session, idp), allow_redirects=False, timeout=10)


def with_query(url: str, **changes: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update(changes)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def test_an_admin_signs_in_end_to_end_in_the_browser(sso: Sluice, idp: MockOpenIDProvider) -> None:
    from selenium.webdriver.common.by import By

    driver = browser()
    try:
        driver.get(sso.url + "/admin/login")
        link = driver.find_element(By.ID, "sso")
        assert link.text == "Sign in with SSO"
        screenshot(driver, "sso-login")
        link.click()
        keys_page = sso.url + "/admin/keys"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if driver.current_url == keys_page and driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true":
                break
            time.sleep(0.1)
        assert driver.current_url == keys_page, driver.page_source[:2000]
        assert driver.find_element(By.CLASS_NAME, "who").text == "admin@example.com"
        cookie = driver.get_cookie("sluice_console")
        assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert driver.get_cookie("sluice_sso") is None  # the attempt is spent
        screenshot(driver, "sso-signed-in")
    finally:
        driver.quit()
    authorize = idp.requests_to("/authorize")[-1]
    assert authorize["code_challenge_method"] == "S256" and len(authorize["code_challenge"]) == 43
    assert authorize["state"] and authorize["nonce"] and authorize["state"] != authorize["nonce"]
    assert authorize["redirect_uri"] == sso.url + "/admin/sso/callback"
    assert set(authorize["scope"].split()) >= {"openid", "email"}
    assert idp.requests_to("/token"), "the code was redeemed at the token endpoint"


def test_a_member_of_the_admin_group_and_a_listed_email_in_another_case_sign_in(sso: Sluice, idp: MockOpenIDProvider) -> None:
    idp.next_user = {"sub": "u-carol", "email": "carol@example.com", "groups": ["staff", "sluice-admins"]}
    response = sign_on(sso, idp)
    assert response.status_code == 303 and response.headers["location"] == "/admin/keys"
    assert "sluice_console=" in response.headers["set-cookie"]
    idp.next_user = {"sub": "u-second", "email": "second.admin@example.com", "email_verified": True}
    assert sign_on(sso, idp).status_code == 303


def test_a_non_admin_sees_a_page_saying_so_and_gets_no_session(sso: Sluice, idp: MockOpenIDProvider) -> None:
    from selenium.webdriver.common.by import By

    idp.next_user = {"sub": "u-bob", "email": "bob@example.com", "groups": ["staff"]}
    session = new_session()
    response = sign_on(sso, idp, session)
    assert response.status_code == 403
    assert "bob@example.com" in response.text and "not an admin" in response.text
    assert "sluice_console=" not in response.headers.get("set-cookie", "").replace("sluice_console=; ", "")
    assert session.get(sso.url + "/admin/keys", allow_redirects=False, timeout=10).status_code == 303

    # An unverified address on the list is not enough either.
    idp.next_user = {"sub": "u-fake", "email": "admin@example.com", "email_verified": False}
    assert sign_on(sso, idp).status_code == 403

    idp.next_user = {"sub": "u-bob", "email": "bob@example.com"}
    driver = browser()
    try:
        driver.get(sso.url + "/admin/login")
        driver.find_element(By.ID, "sso").click()
        heading = driver.find_element(By.TAG_NAME, "h1").text
        assert heading == "Not an admin", driver.page_source[:2000]
        assert driver.get_cookie("sluice_console") is None
        assert not driver.find_elements(By.CSS_SELECTOR, "nav")  # nothing else of the console
        screenshot(driver, "sso-not-an-admin")
    finally:
        driver.quit()


@pytest.mark.parametrize("fault, reason", [
    ("bad_signature", "signature is invalid"),
    ("unknown_kid", "key the identity provider does not publish"),
    ("wrong_audience", "another client"),
    ("wrong_issuer", "another issuer"),
    ("expired", "has expired"),
    ("wrong_nonce", "nonce does not match"),
])
def test_bad_id_tokens_are_refused_with_a_4xx_page_and_logged(sso: Sluice, idp: MockOpenIDProvider, fault: str, reason: str) -> None:
    idp.token_fault = fault
    response = sign_on(sso, idp)
    assert response.status_code == 400, (fault, response.status_code, response.text[:500])
    assert reason in response.text
    assert "sluice_console=sluice_cs_" not in response.headers.get("set-cookie", "")
    sso.wait_for_log(re.compile(r"single sign-on refused.*" + re.escape(reason)))
    assert sso.running


def test_a_state_that_is_not_the_browsers_is_refused(sso: Sluice, idp: MockOpenIDProvider) -> None:
    session = new_session()
    callback = start(sso, session, idp)
    forged = session.get(with_query(callback, state="someone-elses-state"), allow_redirects=False, timeout=10)
    assert forged.status_code == 400 and "state" in forged.text
    # A callback with no sign-in started in this browser at all.
    stranger = new_session().get(callback, allow_redirects=False, timeout=10)
    assert stranger.status_code == 400
    assert not idp.requests_to("/token"), "no code is redeemed without the browser's state"


def test_a_replayed_code_is_refused(sso: Sluice, idp: MockOpenIDProvider) -> None:
    session = new_session()
    callback = start(sso, session, idp)
    assert session.get(callback, allow_redirects=False, timeout=10).status_code == 303
    # The same callback again: the attempt is spent.
    assert session.get(callback, allow_redirects=False, timeout=10).status_code == 400
    # The old code under a fresh attempt's state: the provider refuses to redeem it twice.
    fresh = start(sso, session, idp)
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(fresh).query))["state"]
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback).query))["code"]
    replay = session.get(with_query(fresh, code=code, state=state), allow_redirects=False, timeout=10)
    assert replay.status_code == 400 and "invalid_grant" in replay.text


def test_the_providers_own_refusal_is_a_4xx_page(sso: Sluice, idp: MockOpenIDProvider) -> None:
    session = new_session()
    callback = start(sso, session, idp)
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback).query))["state"]
    response = session.get(sso.url + "/admin/sso/callback?" + urllib.parse.urlencode({"error": "access_denied", "state": state}),
                           allow_redirects=False, timeout=10)
    assert response.status_code == 400 and "access_denied" in response.text


def test_sso_changes_are_audited_under_the_users_email(sso: Sluice, idp: MockOpenIDProvider) -> None:
    session = new_session()
    assert sign_on(sso, idp, session).status_code == 303
    page = session.get(sso.url + "/admin/keys", timeout=10)
    token = re.search(r'<meta name="csrf-token" content="([0-9a-f]{64})">', page.text).group(1)
    name = unique_name("by-sso")
    created = session.post(sso.url + "/admin/api/keys", json={"name": name}, headers={"X-CSRF-Token": token}, timeout=10)
    assert created.status_code in (200, 201), created.text
    sso.collect_keys(created.text)
    entries = sso.cli_json("audit", "--since", "1h")
    entries = entries if isinstance(entries, list) else entries.get("entries", [])
    assert any(e["action"] == "key.created" and e["target"] == name and e["actor"] == "admin:admin@example.com" for e in entries), entries[-5:]


def test_the_pkce_helper_matches_rfc_7636() -> None:
    assert pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_without_sso_configured_the_login_page_offers_none(module_sluice) -> None:
    plain = module_sluice()
    page = requests.get(plain.url + "/admin/login", timeout=10)
    assert page.status_code == 200 and "Sign in with SSO" not in page.text
    assert requests.get(plain.url + "/admin/sso/start", allow_redirects=False, timeout=10).status_code == 404
