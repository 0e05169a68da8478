"""The pytest plugin, used exactly as a consumer would: the README's example module runs as written, and
two tests in parallel under xdist never see each other's data."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    text = README.read_text()
    found = re.search(r"<!-- example: consumer-test -->\s*```python\n(.*?)```", text, re.S)
    assert found, "README lost its consumer example"
    return found.group(1)


def test_readme_example_runs_as_written(pytester):
    pytester.makepyfile(test_consumer=readme_example())
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


ISOLATION = '''
import time


def _create_and_look(mockserver, name):
    mockserver.put("loop-comms", "campaigns", name, {"name": name})
    time.sleep(0.5)  # overlap with the other worker
    return {c["id"] for c in mockserver.state()["loop-comms"]["campaigns"]}


def test_one(mockserver):
    seen = _create_and_look(mockserver, "only-in-one")
    assert "only-in-one" in seen and "only-in-two" not in seen


def test_two(mockserver):
    seen = _create_and_look(mockserver, "only-in-two")
    assert "only-in-two" in seen and "only-in-one" not in seen
'''


def test_parallel_tests_under_xdist_are_isolated(pytester):
    pytester.makepyfile(test_isolation=ISOLATION)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert "2 workers" in result.stdout.str()


SAME_SERVER = '''
def test_a(mockserver):
    mockserver.put("loop-comms", "campaigns", "shared-id", {"name": "a"})
    assert mockserver.get("loop-comms", "campaigns", "shared-id")["name"] == "a"


def test_b(mockserver):
    # Same server, same id, another tenant: test_a's campaign is not here.
    from mockserver.client import MockError
    import pytest
    with pytest.raises(MockError) as missing:
        mockserver.get("loop-comms", "campaigns", "shared-id")
    assert missing.value.status == 404
'''


def test_tests_on_one_server_are_isolated_by_token(pytester):
    pytester.makepyfile(test_same=SAME_SERVER)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
