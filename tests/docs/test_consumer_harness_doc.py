"""docs/consumer-harness.md's worked example runs as written: its tests pass, and the build fails on
coverage with the section saying so."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "consumer-harness.md"


def test_the_worked_example_fails_its_build_on_coverage(pytester):
    example = DOC.read_text().split("### A worked example", 1)[1]
    pytester.makefile(".ini", pytest=re.search(r"```ini\n(.*?)```", example, re.S).group(1))
    pytester.makepyfile(test_campaigns=re.search(r"```python\n(.*?)```", example, re.S).group(1))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*mockserver coverage*", "FAIL: *% of documented outcomes exercised, under "
                                 "--mockserver-coverage-fail-under 40"])
