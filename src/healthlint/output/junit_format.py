"""JUnit XML: a test case per finding (failed) and per clean file (passed), for CI dashboards."""
from __future__ import annotations

import re
import tempfile
from xml.etree import ElementTree

from . import Report

# Characters XML 1.0 cannot hold at all, even escaped; a report parser would
# reject the whole file for one of them in a quoted match.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


class Writer:
    """The header holds the totals, so the test cases wait in a temporary file
    (in memory while small) until the last file is in."""

    def __init__(self, write, rules, color: bool, problems: tuple[str, ...]):
        self.write = write
        self.tests = self.failures = self.errors = 0
        self.body = tempfile.SpooledTemporaryFile(max_size=4_000_000, mode="w+", encoding="utf-8",
                                                  errors="surrogatepass")

    def start(self) -> None:
        pass

    def _case(self, case) -> None:
        ElementTree.indent(case, space="  ", level=2)
        self.body.write(_INDENT + ElementTree.tostring(case, encoding="unicode"))

    def file(self, result) -> None:
        path = _xml_text(result.path)
        for error in result.errors:
            case = ElementTree.Element("testcase", classname=path, name="read")
            ElementTree.SubElement(case, "error", message=_xml_text(error))
            self._case(case)
            self.tests += 1
            self.errors += 1
        if not result.findings and not result.errors:
            self._case(ElementTree.Element("testcase", classname=path, name="healthlint"))
            self.tests += 1
        for f in result.findings:
            name = f"{f.rule} at {f.span.line}:{f.span.column}"
            case = ElementTree.Element("testcase", classname=path, name=name)
            failure = ElementTree.SubElement(case, "failure", message=_xml_text(f.message), type=f.severity)
            failure.text = _xml_text(f"{result.path}:{f.span.line}:{f.span.column}: {f.severity} [{f.rule}] {f.message}" + (
                "".join(f"\nsuggestion: {s}" for s in f.suggestions)))
            self._case(case)
            self.tests += 1
            self.failures += 1

    def finish(self, tally) -> None:
        suites = ElementTree.Element("testsuites", name="healthlint")
        suite = ElementTree.SubElement(suites, "testsuite", name="healthlint")
        if self.tests:
            ElementTree.SubElement(suite, _MARK)
        for element in (suites, suite):
            element.set("tests", str(self.tests))
            element.set("failures", str(self.failures))
            element.set("errors", str(self.errors))
        ElementTree.indent(suites)
        frame = ElementTree.tostring(suites, encoding="unicode")
        head, _, tail = frame.partition(f"{_INDENT}<{_MARK} />")
        self.write('<?xml version="1.0" encoding="UTF-8"?>\n' + head)
        with self.body:
            self.body.seek(0)
            while chunk := self.body.read(1 << 20):
                self.write(chunk)
        self.write(tail + "\n")


_INDENT = "\n    "  # a test case's place: in <testsuite>, in <testsuites>
_MARK = "healthlint-test-cases"


def render(report: Report) -> str:
    from . import render as render_format

    return render_format("junit", report)
