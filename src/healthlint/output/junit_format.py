"""JUnit XML: a test case per finding (failed) and per clean file (passed), for CI dashboards."""
from __future__ import annotations

import re
from xml.etree import ElementTree

from . import Report

# Characters XML 1.0 cannot hold at all, even escaped; a report parser would
# reject the whole file for one of them in a quoted match.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render(report: Report) -> str:
    suites = ElementTree.Element("testsuites", name="healthlint")
    suite = ElementTree.SubElement(suites, "testsuite", name="healthlint")
    tests = failures = errors = 0
    for result in report.results:
        for error in result.errors:
            case = ElementTree.SubElement(suite, "testcase", classname=_xml_text(result.path), name="read")
            ElementTree.SubElement(case, "error", message=_xml_text(error))
            tests += 1
            errors += 1
        if not result.findings and not result.errors:
            ElementTree.SubElement(suite, "testcase", classname=_xml_text(result.path), name="healthlint")
            tests += 1
        for f in result.findings:
            name = f"{f.rule} at {f.span.line}:{f.span.column}"
            case = ElementTree.SubElement(suite, "testcase", classname=_xml_text(result.path), name=name)
            failure = ElementTree.SubElement(case, "failure", message=_xml_text(f.message), type=f.severity)
            failure.text = _xml_text(f"{result.path}:{f.span.line}:{f.span.column}: {f.severity} [{f.rule}] {f.message}" + (
                "".join(f"\nsuggestion: {s}" for s in f.suggestions)))
            tests += 1
            failures += 1
    for element in (suites, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", str(errors))
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"
