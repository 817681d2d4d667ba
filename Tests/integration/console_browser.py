"""Headless Chromium for the console tests, driven by Selenium through Debian's chromedriver.

`browser()` starts one (skipping the test when Chromium or its driver is missing); `artifacts_dir()`
is where screenshots go: $SLUICE_ARTIFACTS, else a temporary folder, printed once.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_artifacts: Path | None = None


def artifacts_dir() -> Path:
    global _artifacts
    if _artifacts is None:
        configured = os.environ.get("SLUICE_ARTIFACTS")
        _artifacts = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="sluice-console-"))
        _artifacts.mkdir(parents=True, exist_ok=True)
        print(f"\nconsole screenshots: {_artifacts}")
    return _artifacts


def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        message = "chromium and chromium-driver are not installed (scripts/setup --test installs them)"
        # scripts/test installs them, so there a missing browser is a failure, not a skip.
        if os.environ.get("SLUICE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1366,900",
                     "--no-first-run", "--disable-extensions", "--password-store=basic"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(30)
    return driver


def screenshot(driver, name: str) -> Path:
    path = artifacts_dir() / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
