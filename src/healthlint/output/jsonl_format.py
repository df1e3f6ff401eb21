"""JSON Lines: one finding per line, with its path; for runs over very many files."""
from __future__ import annotations

import json

from . import Report
from .json_format import finding_dict


def render(report: Report) -> str:
    lines = [
        json.dumps({"path": result.path, **finding_dict(finding)}, ensure_ascii=False)
        for result in report.results
        for finding in result.findings
    ]
    lines += [json.dumps({"path": None, "error": error}, ensure_ascii=False) for error in report.all_errors]
    return "".join(line + "\n" for line in lines)
