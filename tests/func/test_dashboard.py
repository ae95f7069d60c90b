"""The dashboard at / in a real browser (supd only): Debian's headless
Chromium driven through chromedriver with python3-selenium. Load the page,
stop and start a process with the buttons, watch the states change without
reloading, see log lines arrive, filter, and use it from the keyboard and
at 375 px. SUPD_SCREENSHOT_DIR=docs saves docs/dashboard.png and
docs/dashboard-mobile.png for the README."""
import os
import socket

import pytest

from conftest import TIMEOUT_SCALE, wait_until

pytestmark = pytest.mark.supd_only

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    pytest.skip("needs chromium and chromium-driver", allow_module_level=True)

PROGRAMS = """
[inet_http_server]
port=127.0.0.1:%(port)d

[program:api]
command=sleep 1000
startsecs=0
stopwaitsecs=5

[program:worker]
command=sleep 1000
numprocs=2
process_name=%%(program_name)s-%%(process_num)d
startsecs=0

[program:cat]
command=cat
startsecs=0
stdout_logfile={dir}/logs/cat.log

[program:cron]
command=sleep 1000
autostart=false

[group:jobs]
programs=worker,cron
"""


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def dash(sup, tmp_path):
    port = free_port()
    sup.write(PROGRAMS % {"port": port})
    sup.start()
    wait_until(lambda: sup.rpc.getProcessInfo("cat")["statename"] == "RUNNING")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,800",
                "--user-data-dir=%s" % (tmp_path / "chromium")):
        opts.add_argument(arg)
    service = webdriver.chrome.service.Service(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(service=service, options=opts)
    try:
        driver.get("http://127.0.0.1:%d/" % port)
        wait(driver, lambda d: d.find_element(By.ID, "live").text == "Live")
        yield sup, driver
    finally:
        driver.quit()


def wait(driver, predicate, timeout=15):
    return WebDriverWait(driver, timeout * TIMEOUT_SCALE, poll_frequency=0.05) \
        .until(predicate)


def row(driver, name):
    return driver.find_element(By.CSS_SELECTOR, 'tr.proc[data-name="%s"]' % name)


def state(driver, name):
    return row(driver, name).get_attribute("data-state")


def button(driver, name, action):
    return row(driver, name).find_element(
        By.CSS_SELECTOR, 'button[data-action="%s"]' % action)


def confirm(driver):
    dialog = driver.find_element(By.ID, "confirm")
    wait(driver, lambda d: dialog.get_attribute("open") is not None)
    driver.find_element(By.ID, "confirm-ok").click()
    wait(driver, lambda d: dialog.get_attribute("open") is None)


def test_page_lists_every_process(dash):
    sup, driver = dash
    names = [r.get_attribute("data-name")
             for r in driver.find_elements(By.CSS_SELECTOR, "tr.proc")]
    assert sorted(names) == ["api", "cat", "jobs:cron", "jobs:worker-0",
                             "jobs:worker-1"]
    assert state(driver, "api") == "RUNNING"
    assert state(driver, "jobs:cron") == "STOPPED"
    assert row(driver, "api").find_element(By.CSS_SELECTOR, "td.rss").text != "-"


def test_stop_and_start_with_the_buttons(dash):
    sup, driver = dash
    button(driver, "api", "stop").click()
    confirm(driver)
    wait(driver, lambda d: state(d, "api") == "STOPPED")
    assert sup.rpc.getProcessInfo("api")["statename"] == "STOPPED"
    button(driver, "api", "start").click()
    wait(driver, lambda d: state(d, "api") == "RUNNING")
    assert sup.rpc.getProcessInfo("api")["statename"] == "RUNNING"


def test_changes_from_elsewhere_show_without_reloading(dash):
    sup, driver = dash
    marker = driver.execute_script("return window.performance.timeOrigin")
    sup.rpc.startProcess("jobs:cron")
    wait(driver, lambda d: state(d, "jobs:cron") == "RUNNING")
    sup.rpc.stopProcess("jobs:cron")
    wait(driver, lambda d: state(d, "jobs:cron") == "STOPPED")
    assert driver.execute_script("return window.performance.timeOrigin") == marker


def test_cancelled_confirmation_does_nothing(dash):
    sup, driver = dash
    button(driver, "api", "stop").click()
    dialog = driver.find_element(By.ID, "confirm")
    wait(driver, lambda d: dialog.get_attribute("open") is not None)
    driver.find_element(By.ID, "confirm-cancel").click()
    wait(driver, lambda d: dialog.get_attribute("open") is None)
    assert sup.rpc.getProcessInfo("api")["statename"] == "RUNNING"


def test_keyboard(dash):
    sup, driver = dash
    stop = button(driver, "api", "stop")
    driver.execute_script("arguments[0].focus()", stop)
    stop.send_keys(Keys.ENTER)
    dialog = driver.find_element(By.ID, "confirm")
    wait(driver, lambda d: dialog.get_attribute("open") is not None)
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(driver, lambda d: dialog.get_attribute("open") is None)
    assert sup.rpc.getProcessInfo("api")["statename"] == "RUNNING"
    driver.execute_script("arguments[0].focus()", stop)
    stop.send_keys(Keys.ENTER)
    wait(driver, lambda d: dialog.get_attribute("open") is not None)
    driver.switch_to.active_element.send_keys(Keys.TAB)
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait(driver, lambda d: state(d, "api") == "STOPPED")


def test_log_lines_arrive(dash):
    sup, driver = dash
    sup.rpc.sendProcessStdin("cat", "before the view\n")
    button(driver, "cat", "log").click()
    pre = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "tr.log-row pre.log"))
    wait(driver, lambda d: "before the view" in pre.text)
    sup.rpc.sendProcessStdin("cat", "hello from the test\n")
    wait(driver, lambda d: "hello from the test" in pre.text)
    # Paused, new lines wait; resumed, they show.
    pause = driver.find_element(By.CSS_SELECTOR, "tr.log-row button.pause")
    pause.click()
    sup.rpc.sendProcessStdin("cat", "while paused\n")
    wait(driver, lambda d: "while paused" in sup.read("logs", "cat.log"))
    assert "while paused" not in pre.text
    pause.click()
    wait(driver, lambda d: "while paused" in pre.text)
    # Search keeps the matching lines.
    driver.find_element(By.CSS_SELECTOR, "tr.log-row input.log-search").send_keys("hello")
    wait(driver, lambda d: pre.text.strip() == "hello from the test")


def test_filter(dash):
    sup, driver = dash
    driver.find_element(By.ID, "filter").send_keys("worker")
    wait(driver, lambda d: not row(d, "api").is_displayed())
    assert row(driver, "jobs:worker-0").is_displayed()
    driver.find_element(By.ID, "filter").clear()
    driver.find_element(By.ID, "filter").send_keys(Keys.SPACE, Keys.BACKSPACE)
    wait(driver, lambda d: row(d, "api").is_displayed())


def test_narrow_screen_and_screenshots(dash, tmp_path):
    sup, driver = dash
    out = os.environ.get("SUPD_SCREENSHOT_DIR", str(tmp_path))
    sup.rpc.sendProcessStdin("cat", "GET /health 200\nGET /api/users 200\n")
    button(driver, "cat", "log").click()
    pre = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "tr.log-row pre.log"))
    wait(driver, lambda d: "/api/users" in pre.text)
    driver.save_screenshot(os.path.join(out, "dashboard.png"))
    driver.set_window_size(375, 812)
    wait(driver, lambda d: d.execute_script("return window.innerWidth") <= 400)
    width = driver.execute_script("return document.documentElement.scrollWidth")
    inner = driver.execute_script("return window.innerWidth")
    assert width <= inner, "the page scrolls sideways at 375 px"
    assert button(driver, "api", "stop").is_displayed()
    button(driver, "cat", "log").click()
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(os.path.join(out, "dashboard-mobile.png"))
    assert os.path.getsize(os.path.join(out, "dashboard-mobile.png")) > 0
