"""The live state page (/__mock/ui) in a real headless Chromium, against a real mockserver on a loopback
port: one browser and one server for the module, a tenant (token) of its own per test.

What the page must show is checked against the seeds' fixtures and the control plane's own JSON, read by
the test over HTTP: the page may only draw what the control plane says."""

import json
import uuid

import httpx
import pytest

from mockserver.client import MockClient
from tests.support import ServerProcess
from tests.ui.browser import browser_or_skip, close, screenshot

WAIT_S = 10  # the page polls every second; anything it shows should be there well within this


@pytest.fixture(scope="module")
def server():
    with ServerProcess("--strict") as running:
        yield running


@pytest.fixture(scope="module")
def driver():
    driver, profile = browser_or_skip()
    yield driver
    close(driver, profile)


@pytest.fixture
def tenant(server):
    client = MockClient(server.base_url, f"ui-{uuid.uuid4().hex[:10]}")
    client.reset()
    return client


def wait_for(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S, poll_frequency=0.1).until(condition, message)


def open_page(driver, server, token: str) -> None:
    """Through `/`, as a user would: it redirects to the page, which takes the token from ?token=."""
    driver.get(f"{server.base_url}/?token={token}")
    wait_for(driver, lambda d: d.find_elements("css selector", ".collection tr.entity-row"), "the tables filled")


def row_selector(provider: str, collection: str, entity_id: str) -> str:
    return f'.collection[data-collection="{provider}/{collection}"] tr.entity-row[data-id="{entity_id}"]'


def row(driver, provider: str, collection: str, entity_id: str) -> str | None:
    """The row's text, read in one go (the page redraws its tables as state changes)."""
    return driver.execute_script("const r = document.querySelector(arguments[0]); return r ? r.textContent : null;",
                                 row_selector(provider, collection, entity_id))


def status_cell(driver, provider: str, collection: str, entity_id: str) -> str | None:
    return driver.execute_script(
        "const c = document.querySelector(arguments[0] + ' td.status'); return c ? c.textContent : null;",
        row_selector(provider, collection, entity_id))


def texts(driver, selector: str) -> list[str]:
    return driver.execute_script("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent);",
                                 selector)


def attributes(driver, selector: str, name: str) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]));", selector, name)


def click(driver, selector: str) -> None:
    """A real click; found again if the page redrew it in between."""
    from selenium.common.exceptions import StaleElementReferenceException

    for _ in range(5):
        try:
            driver.find_element("css selector", selector).click()
            return
        except StaleElementReferenceException:
            continue
    raise AssertionError(f"{selector} kept being redrawn")


def fixture_ids(provider: str, collection: str) -> dict[str, str]:
    with open(f"fixtures/{provider}.json") as file:
        return {str(e["id"]): e.get("status") for e in json.load(file)[collection]}


def test_the_page_shows_the_tenants_fixtures_and_an_entity_as_the_provider_renders_it(driver, server, tenant):
    tenant.clock.freeze()
    open_page(driver, server, tenant.token)

    for provider, collection in (("loop-comms", "campaigns"), ("loop-messaging", "campaigns"), ("bsg", "campaigns"),
                                 ("commcom", "sends")):
        for entity_id, status in fixture_ids(provider, collection).items():
            assert row(driver, provider, collection, entity_id) is not None, (provider, entity_id)
    assert status_cell(driver, "loop-comms", "campaigns", "cmp_draft") == "draft"
    # Newest first: the fixture file's last campaign heads the table.
    ids = attributes(driver, '.collection[data-collection="loop-comms/campaigns"] tr.entity-row', "data-id")
    assert ids[0] == list(fixture_ids("loop-comms", "campaigns"))[-1]

    click(driver, row_selector("loop-comms", "campaigns", "cmp_scheduled"))
    wait_for(driver, lambda d: '"cmp_scheduled"' in d.find_element("id", "entity").text, "the entity shown")
    shown = json.loads(driver.find_element("id", "entity").text)
    assert shown == tenant.get("loop-comms", "campaigns", "cmp_scheduled")

    # The state machine: a node per status of the table, with the fixture's count of drafts (two).
    machine = '[data-provider="loop-comms"] svg.machine'
    wait_for(driver, lambda d: texts(d, f"{machine} g.node .count"), "the state machine drawn")
    nodes = dict(zip(attributes(driver, f"{machine} g.node", "data-status"), texts(driver, f"{machine} g.node .count")))
    assert set(nodes) == {"draft", "scheduled", "sending", "sent", "cancelled"}
    assert nodes["draft"] == "2" and nodes["cancelled"] == "1"
    actions = set(texts(driver, f"{machine} text.action"))
    assert {"send", "cancel", "finish"} <= {a for text in actions for a in text.split(" / ")}


def test_advancing_the_clock_on_the_page_starts_a_scheduled_campaign(driver, server, tenant):
    # loop-comms' cmp_scheduled goes out at its scheduled_at, 2027-06-01T09:00:00Z (fixtures).
    open_page(driver, server, tenant.token)
    click(driver, "#clock-freeze")
    wait_for(driver, lambda d: d.find_element("id", "clock-state").text.lower() == "frozen", "the clock frozen")
    field = driver.find_element("id", "clock-set")
    field.clear()
    field.send_keys("2027-06-01T08:00:00Z")
    driver.find_element("css selector", "#clock-set-form button").click()
    wait_for(driver, lambda d: d.find_element("id", "clock-now").text.startswith("2027-06-01T08:00:00"), "clock set")
    assert status_cell(driver, "loop-comms", "campaigns", "cmp_scheduled") == "scheduled"

    seconds = driver.find_element("id", "clock-advance")
    seconds.clear()
    seconds.send_keys("7200")
    driver.find_element("css selector", "#clock-advance-form button").click()

    wait_for(driver, lambda d: status_cell(d, "loop-comms", "campaigns", "cmp_scheduled") not in (None, "scheduled"),
             "cmp_scheduled moved on")
    assert str(tenant.clock.now()).startswith("2027-06-01T10:00:00")
    assert status_cell(driver, "loop-comms", "campaigns", "cmp_scheduled") == \
        tenant.get("loop-comms", "campaigns", "cmp_scheduled")["status"]
    wait_for(driver, lambda d: texts(d, '[data-provider="loop-comms"] svg.machine g.node[data-status="scheduled"] .count')
             == ["0"], "nothing left scheduled")


def test_a_fault_armed_on_the_page_answers_the_next_call_and_the_journal_shows_it(driver, server, tenant):
    open_page(driver, server, tenant.token)
    from selenium.webdriver.support.ui import Select

    wait_for(driver, lambda d: len(Select(d.find_element("id", "fault-provider")).options) == 4, "fault form filled")
    Select(driver.find_element("id", "fault-provider")).select_by_value("loop-comms")
    Select(driver.find_element("id", "fault-operation")).select_by_value("cancelCampaign")
    Select(driver.find_element("id", "fault-status")).select_by_value("500")
    driver.find_element("css selector", "#fault-form button").click()
    wait_for(driver, lambda d: "cancelCampaign" in d.find_element("id", "faults").text, "the fault listed")
    [armed] = tenant.faults()
    assert (armed["operationId"], armed["status"]) == ("cancelCampaign", 500)

    # A client's call, outside the page: seed 000's documented 500.
    answer = httpx.post(f"{tenant.url('loop-comms')}/v1/admin/campaigns/cmp_draft/cancel", headers=tenant.headers)
    assert answer.status_code == 500

    def journal_row(d):
        cells = texts(d, "#journal tbody tr:first-child td")
        return "cancelCampaign" in cells and cells

    cells = wait_for(driver, journal_row, "the call in the journal")
    assert cells[2:6] == ["loop-comms", "cancelCampaign", "500", armed["id"]]
    assert cells[6] == "kept"
    wait_for(driver, lambda d: "no fault armed" in d.find_element("id", "faults").text, "the spent fault gone")
    click(driver, row_selector("loop-comms", "campaigns", "cmp_draft"))
    wait_for(driver, lambda d: '"cmp_draft"' in d.find_element("id", "entity").text, "the entity shown")
    assert screenshot(driver, "ui.png").stat().st_size > 10_000


def test_large_tenants_are_paged_newest_first(driver, server, tenant):
    for n in range(25):
        tenant.put("loop-comms", "campaigns", f"cmp_paged_{n:02d}", {"name": f"Paged {n}", "status": "draft"})
    open_page(driver, server, tenant.token)
    table = '.collection[data-collection="loop-comms/campaigns"]'
    ids = attributes(driver, f"{table} tr.entity-row", "data-id")
    assert ids == [f"cmp_paged_{n:02d}" for n in range(24, 4, -1)]
    assert "1–20 of 31" in texts(driver, f"{table} .range")[0]

    click(driver, f"{table} button.next")
    wait_for(driver, lambda d: "21–31 of 31" in texts(d, f"{table} .range")[0], "page two")
    ids = attributes(driver, f"{table} tr.entity-row", "data-id")
    assert ids[:5] == [f"cmp_paged_{n:02d}" for n in range(4, -1, -1)]
    assert set(ids[5:]) == set(fixture_ids("loop-comms", "campaigns"))


def test_the_page_for_one_tenant_never_shows_another_tenants_data(driver, server):
    mine = MockClient(server.base_url, f"ui-mine-{uuid.uuid4().hex[:8]}")
    theirs = MockClient(server.base_url, f"ui-theirs-{uuid.uuid4().hex[:8]}")
    # Client-controlled text must show as text, never as markup.
    hostile = '<img id="injected" src="x" onerror="document.title=\'pwned\'"><b>bold</b>'
    theirs.put("loop-comms", "campaigns", "cmp_theirs_only", {"name": hostile, "status": "draft"})
    theirs.fault("bsg", "getCampaign", status=404, times=None)
    httpx.get(f"{theirs.url('loop-comms')}/v1/admin/campaigns/cmp_theirs_only/history", headers=theirs.headers)
    mine.put("loop-comms", "campaigns", "cmp_mine_only", {"name": "Mine", "status": "draft"})

    open_page(driver, server, theirs.token)
    wait_for(driver, lambda d: row(d, "loop-comms", "campaigns", "cmp_theirs_only"), "their campaign")
    assert hostile in row(driver, "loop-comms", "campaigns", "cmp_theirs_only")
    assert not driver.find_elements("id", "injected") and driver.title != "pwned"

    # The same browser, the other token through the page's own form: nothing of theirs stays.
    field = driver.find_element("id", "token")
    field.clear()
    field.send_keys(mine.token)
    click(driver, "#token-form button")
    wait_for(driver, lambda d: row(d, "loop-comms", "campaigns", "cmp_mine_only"), "my campaign")
    wait_for(driver, lambda d: "no fault armed" in d.find_element("id", "faults").text, "my faults")
    wait_for(driver, lambda d: "no calls yet" in d.find_element("id", "journal").text, "my journal")
    source = driver.page_source
    assert "cmp_theirs_only" not in source and "getCampaign" not in driver.find_element("id", "faults").text
    assert driver.execute_script("return localStorage.getItem('mockserver.token')") == mine.token

    # Reloading without ?token= reopens the remembered tenant: still mine.
    driver.get(f"{server.base_url}/__mock/ui")
    wait_for(driver, lambda d: row(d, "loop-comms", "campaigns", "cmp_mine_only"), "my campaign again")
    assert "cmp_theirs_only" not in driver.page_source
