"""What a person sees, checked in a real browser: ``report.html`` and a JupyterLab session with
notebook 03, opened in headless Chromium through Selenium.

The report: every interactive view renders and answers a hover, Arabic cells compute
``direction: rtl``, and the console stays free of errors. JupyterLab: a fresh (untrusted)
notebook shows the explorer's static snapshot, Run All brings the live explorer, every slider
has a usable track, dragging one moves its value and the summary follows. Screenshots go to a
``screenshots`` folder under the test's temporary directory.

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` package (``dev``
extra); without them the module is skipped with one line saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
try:
    import selenium  # noqa: F401
except ImportError:
    selenium = None
if not (CHROMIUM and DRIVER and selenium):
    pytest.skip("browser tests need chromium, chromium-driver (apt-get install chromium chromium-driver) and selenium",
                allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.options import Options as ChromeOptions  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.actions.action_builder import ActionBuilder  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def browser():
    options = ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def console_errors(driver, ignore: tuple[str, ...] = ()) -> list[str]:
    """The browser console's error messages since the last call, less those matching ``ignore``."""
    return [e["message"] for e in driver.get_log("browser")
            if e["level"] == "SEVERE" and not any(s in e["message"] for s in ignore)]


def rtl_of_arabic(driver) -> list[str]:
    """The computed direction of every element marked as Arabic on the page."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('[lang=ar]')).map(e => getComputedStyle(e).direction)")


def _point_at(driver, element) -> None:
    """Move the mouse to the middle of ``element`` where the page now shows it (without the
    scrolling that ``move_to_element`` does)."""
    x, y = driver.execute_script("const r = arguments[0].getBoundingClientRect(); "
                                 "return [r.left + r.width / 2, r.top + r.height / 2]", element)
    action = ActionBuilder(driver)
    action.pointer_action.move_to_location(int(x), int(y))
    action.perform()


# ---------------------------------------------------------------------------- report.html


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    from talkhis.pipeline import Options, summarize_folder
    from talkhis.report.write import write_outputs

    out = tmp_path_factory.mktemp("report") / "out"
    write_outputs(summarize_folder(ROOT / "data" / "articles", Options(cache=False)), out)
    return out / "report.html"


def test_report_views_render_and_answer_a_hover(browser, report, shots):
    outlets = {a["outlet"] for a in json.loads(report.with_name("summary.json").read_text("utf-8"))["articles"]} - {None}
    browser.get(report.as_uri())
    views = WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".tk-view .main-svg") and
                                             d.find_elements(By.CSS_SELECTOR, ".tk-view"))
    names = [v.get_attribute("data-view") for v in views]
    assert {"who_reports_what", "timeline", "sentence_map", "coverage_heatmap"} <= set(names)
    for view in views:
        name = view.get_attribute("data-view")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", view)
        assert view.find_elements(By.CSS_SELECTOR, ".main-svg"), f"{name}: nothing drawn"
        points = view.find_elements(By.CSS_SELECTOR, ".scatterlayer .point")
        target = points[0] if points else view.find_element(By.CSS_SELECTOR, ".nsewdrag")
        _point_at(browser, target)
        hover = WebDriverWait(browser, 5).until(
            lambda d, view=view: [t.text for t in view.find_elements(By.CSS_SELECTOR, ".hoverlayer .hovertext") if t.text])
        assert hover, f"{name}: no hover text"
        assert any(outlet in " ".join(hover) for outlet in outlets), f"{name}: the hover names no source"
        time.sleep(0.3)  # let the hover label settle before the picture
        view.screenshot(str(shots / f"report_{name}.png"))
    assert console_errors(browser) == []


def test_report_arabic_is_right_to_left(browser, report, shots):
    browser.get(report.as_uri())
    directions = rtl_of_arabic(browser)
    assert directions and set(directions) == {"rtl"}
    browser.save_screenshot(str(shots / "report_top.png"))
    assert console_errors(browser) == []


def test_report_shows_each_caption_once(browser, report):
    browser.get(report.as_uri())
    captions = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "figcaption")]
    assert captions and len(captions) == len(set(captions))


# ---------------------------------------------------------------------------- JupyterLab


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over a copy of notebook 03 and the seed articles."""
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "03_summarize_and_translate.ipynb", root / "notebooks")
    shutil.copytree(ROOT / "data" / "articles", root / "data" / "articles")
    settings = root / ".settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    port = _free_port()
    src = str(ROOT / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", ""), "TALKHIS_PROGRESS": "0",
           "JUPYTER_CONFIG_DIR": str(root / ".config"), "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings")}
    log = open(root / "lab.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--allow-root",
                             "--IdentityProvider.token=t", f"--ServerApp.root_dir={root}", "--LabApp.news_url="],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/api", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"JupyterLab did not start: {(root / 'lab.log').read_text()[-500:]}")
                time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()


def _run_all(driver) -> None:
    driver.find_element(By.XPATH, "//div[contains(@class,'lm-MenuBar-itemLabel') and text()='Run']").click()
    WebDriverWait(driver, 5).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "li[data-command='runmenu:run-all']"))).click()


def test_notebook_explorer(browser, lab, shots):
    browser.get(f"{lab}/lab/tree/notebooks/03_summarize_and_translate.ipynb?token=t&reset")
    WebDriverWait(browser, 90).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")))
    # fresh and untrusted: the saved explorer shows its static snapshot and says to run the cell
    snapshot = WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".tk-snapshot"))[0]
    browser.execute_script("arguments[0].scrollIntoView()", snapshot)
    assert "Run this cell" in snapshot.text
    snapshot.screenshot(str(shots / "notebook_snapshot.png"))
    # the saved tables (sanitised, untrusted output) still read right to left
    table = browser.find_element(By.CSS_SELECTOR, ".jp-OutputArea-output table.tk-table")
    browser.execute_script("arguments[0].scrollIntoView()", table)
    table.screenshot(str(shots / "notebook_table.png"))
    assert set(rtl_of_arabic(browser)) == {"rtl"}
    _run_all(browser)
    slider = WebDriverWait(browser, 180).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".tk-explorer .widget-slider"))
    WebDriverWait(browser, 180).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".tk-explorer .tk-sum td[lang=ar]"))
    explorer = browser.find_element(By.CSS_SELECTOR, ".tk-explorer")
    browser.execute_script("arguments[0].scrollIntoView()", explorer)
    time.sleep(0.5)
    explorer.screenshot(str(shots / "explorer_controls.png"))
    for s in slider:
        if s.is_displayed():
            track = s.find_element(By.CSS_SELECTOR, ".slider-container")
            assert track.size["width"] >= 120, f"slider track {track.size['width']} px wide"
    assert set(rtl_of_arabic(browser)) == {"rtl"}
    # drag the summary-length handle to the left: the value falls and the summary shortens
    length = next(s for s in slider if s.is_displayed() and "sentences" in s.text)
    handle = length.find_element(By.CSS_SELECTOR, ".noUi-handle")
    readout = length.find_element(By.CSS_SELECTOR, ".widget-readout")
    before_value = readout.text

    def status(d) -> str:  # the status line is re-rendered on every update: found afresh each time
        return d.find_element(By.CSS_SELECTOR, ".tk-explorer .tk-status").text

    def summary(d) -> list[str]:
        return [c.text for c in d.find_elements(By.CSS_SELECTOR, ".tk-explorer .tk-sum td[lang=ar]")]

    before_status, before_summary = status(browser), summary(browser)
    ActionChains(browser).click_and_hold(handle).move_by_offset(-80, 0).release().perform()
    WebDriverWait(browser, 30).until(lambda d: readout.text != before_value)
    WebDriverWait(browser, 60, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: status(d) != before_status)
    assert f"budget {int(readout.text)} sentences" in status(browser)
    assert int(readout.text) < int(before_value)
    assert summary(browser) and len(summary(browser)) == int(readout.text) < len(before_summary)
    explorer.screenshot(str(shots / "explorer_dragged.png"))
    errors = console_errors(browser, ignore=("favicon", "/api/kernelspecs", "lsp", "404 (Not Found)"))
    assert errors == []
