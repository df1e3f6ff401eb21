"""JSON Lines: one finding per line, with its path; for runs over very many files."""
from __future__ import annotations

import json

from . import LineWriter, Report
from .json_format import finding_dict


class Writer(LineWriter):
    def file(self, result) -> None:
        path = result.path
        self.write("".join(json.dumps({"path": path, **finding_dict(finding)}, ensure_ascii=False) + "\n"
                           for finding in result.findings))

    def finish(self, tally) -> None:
        self.write("".join(json.dumps({"path": None, "error": error}, ensure_ascii=False) + "\n"
                           for error in tally.all_errors))


def render(report: Report) -> str:
    from . import render as render_format

    return render_format("jsonl", report)
