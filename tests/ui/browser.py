"""Debian's headless Chromium, driven by selenium through Debian's chromedriver: nothing is downloaded (no
Selenium Manager, no browser fetched by a test tool). Missing browser: the tests skip on a developer's
machine and fail in CI (CI=true), where .ci/run installs it."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Where the tests leave their screenshots (a CI job can keep the folder); docs/ui.png is refreshed only
# when MOCKSERVER_UI_SCREENSHOT=docs is set, so a test run never changes a tracked file by itself.
ARTIFACTS = Path(os.environ.get("MOCKSERVER_ARTIFACTS", Path(__file__).resolve().parents[2] / "build" / "artifacts"))
DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "ui.png"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def browser_or_skip():
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    if missing:
        why = f"Chromium is not installed ({', '.join(missing)} missing): apt-get install chromium chromium-driver"
        if _in_ci():
            pytest.fail(f"{why}; in CI the browser tests must run (.ci/run installs it)", pytrace=False)
        pytest.skip(why)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        if _in_ci():
            pytest.fail("selenium is not installed (pip install -e '.[test]')", pytrace=False)
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never fetch a driver or a browser
    profile = tempfile.mkdtemp(prefix="mockserver-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # The flags Chromium needs here: as root (no sandbox), no screen, and no calls home (closed network).
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1500,1400"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    return driver, profile


def close(driver, profile: str) -> None:
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver, name: str) -> Path:
    """The page as it is, into the artifacts folder (and docs/ui.png when asked for)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    # The whole page, not only the window: Chromium renders it at the document's full height.
    driver.execute_script("window.scrollTo(0, 0)")
    script = "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)"
    for _ in range(2):  # a new width reflows the page: measure again at the new size
        driver.set_window_size(1500, min(max(int(driver.execute_script(script)) + 160, 800), 4000))
    driver.save_screenshot(str(path))
    if os.environ.get("MOCKSERVER_UI_SCREENSHOT") == "docs":
        shutil.copyfile(path, DOCS_SCREENSHOT)
    driver.set_window_size(1500, 1400)
    return path
