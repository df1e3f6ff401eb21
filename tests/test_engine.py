"""The engine and the three core kinds, on rules written for each test."""
from __future__ import annotations

import textwrap

import pytest

import yaml

from healthlint.engine import Engine
from healthlint.ruleset import load_ruleset
from healthlint.runner import lint_text


def make_rules(tmp_path, *rules: dict):
    for rule in rules:
        data = {
            "category": "hype",
            "severity": "warning",
            "message": "“{match}”",
            "description": "test",
            "rationale": "test",
            "references": [{"title": "test"}],
            "kind": "pattern",
            "examples": {"bad": ["x", "y"], "good": ["x", "y"]},
            **rule,
        }
        (tmp_path / f"{rule['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return Engine(load_ruleset([tmp_path], include_builtin=False))


def found(engine, text, path="t.txt"):
    return [(f.rule, f.span.line, f.span.column, f.span.end_column, f.match) for f in lint_text(engine, text, path).findings]


def test_two_rules_matching_at_the_same_place_are_both_reported(tmp_path):
    engine = make_rules(tmp_path, {"id": "short", "phrases": ["risk"]},
                        {"id": "long", "phrases": ["risk of abuse"]},
                        {"id": "word", "patterns": [r"\bri\w+"]})
    assert found(engine, "Low risk of abuse.") == [
        ("short", 1, 5, 9, "risk"), ("word", 1, 5, 9, "risk"), ("long", 1, 5, 18, "risk of abuse")]


def test_overlapping_hits_of_one_rule_are_one_finding(tmp_path):
    engine = make_rules(tmp_path, {"id": "claims", "phrases": ["without addiction", "without addiction risk"]})
    assert found(engine, "It works without addiction risk.") == [("claims", 1, 10, 32, "without addiction risk")]


def test_a_phrase_twice_on_a_line_is_found_at_both_columns(tmp_path):
    engine = make_rules(tmp_path, {"id": "claims", "phrases": ["no side effects"]})
    assert [f[2:4] for f in found(engine, "No side effects, they say: no side effects.")] == [(1, 16), (28, 43)]


def test_quoted_matches_are_skipped_unless_the_rule_says_otherwise(tmp_path):
    engine = make_rules(tmp_path, {"id": "claims", "phrases": ["harmless"]},
                        {"id": "strict", "phrases": ["harmless"], "skip_quoted": False})
    text = 'The label said “harmless” and "harmless". It is harmless.'
    assert found(engine, text) == [("strict", 1, 17, 25, "harmless"), ("strict", 1, 32, 40, "harmless"),
                                   ("claims", 1, 49, 57, "harmless"), ("strict", 1, 49, 57, "harmless")]


def test_a_quote_spanning_sentences_does_not_hide_claims(tmp_path):
    engine = make_rules(tmp_path, {"id": "claims", "phrases": ["harmless"]})
    assert len(found(engine, "“It starts here. It is harmless. It ends here.”")) == 1


def test_negated_matches_are_skipped(tmp_path):
    engine = make_rules(tmp_path, {"id": "claims", "phrases": ["risk-free"]})
    assert found(engine, "It is not risk-free. It isn't entirely risk-free. It is risk-free.") == [
        ("claims", 1, 57, 66, "risk-free")]


def test_unless_looks_in_the_chosen_window(tmp_path):
    unless = {"patterns": [r"\[\d+\]"]}
    engine = make_rules(
        tmp_path,
        {"id": "same", "phrases": ["studies show"], "unless": {**unless, "within": "sentence"}},
        {"id": "next", "phrases": ["studies show"], "unless": {**unless, "within": "sentence-or-next"}},
    )
    text = "Studies show it works. See the review [1]. Studies show more. Nothing here. Next."
    assert [(rule, column) for rule, _, column, _, _ in found(engine, text)] == [
        ("same", 1), ("next", 44), ("same", 44)]


def test_exceptions_drop_overlapped_matches(tmp_path):
    engine = make_rules(tmp_path, {"id": "stigma", "phrases": ["substance abuse"],
                                   "exceptions": ["Substance Abuse and Mental Health Services Administration"]})
    text = "The Substance Abuse and Mental Health Services Administration studies substance abuse."
    assert [f[2] for f in found(engine, text)] == [71]


def test_sentence_scope_does_not_match_across_sentences(tmp_path):
    engine = make_rules(tmp_path, {"id": "claims", "patterns": [r"safe\.\s+Natural"]},
                        {"id": "para", "patterns": [r"safe\.\s+Natural"], "scope": "paragraph"})
    assert [f[0] for f in found(engine, "It is safe. Natural too.")] == ["para"]


def test_block_scope_limits_the_kinds_of_block(tmp_path):
    engine = make_rules(tmp_path, {"id": "heading-only", "phrases": ["miracle"], "scope": "heading"})
    text = "Miracle Cure Guide\n\nA miracle, they say.\n\nMore text here."
    assert found(engine, text) == [("heading-only", 1, 1, 8, "Miracle")]


def test_substitution_keeps_capitalisation_and_offers_the_fix(tmp_path):
    engine = make_rules(tmp_path, {"id": "words", "kind": "substitution", "category": "stigma",
                                   "message": "“{match}”: say “{preferred}”",
                                   "terms": {"addicts": "people with a substance use disorder"},
                                   "fix": {"applicability": "safe"}})
    result = lint_text(engine, "Addicts and addicts.")
    first, second = result.findings
    assert first.message == "“Addicts”: say “People with a substance use disorder”"
    assert first.fix.applicability == "safe"
    assert [edit.replacement for edit in second.fix.edits] == ["people with a substance use disorder"]


def test_require_reports_once_at_the_first_trigger(tmp_path):
    engine = make_rules(tmp_path, {"id": "needs-doctor", "kind": "require", "category": "disclaimer",
                                   "triggers": {"phrases": ["supplement"]},
                                   "required": {"phrases": ["talk to your doctor"]}, "min_triggers": 2})
    text = textwrap.dedent("""\
        Intro line here.

        This supplement helps. Another supplement too.
        """)
    assert found(engine, text) == [("needs-doctor", 3, 6, 16, "supplement")]
    assert found(engine, text + "\nTalk to your doctor first.\n") == []
    assert found(engine, "One supplement only.") == []


def test_positions_survive_crlf_bom_tabs_and_non_ascii(tmp_path):
    engine = make_rules(tmp_path, {"id": "claims", "phrases": ["harmless"]})
    text = "\ufeffPremière ligne.\r\n\r\n\tÇa est harmless 😀 harmless.\r\n"
    assert [f[1:4] for f in found(engine, text)] == [(3, 9, 17), (3, 20, 28)]


@pytest.mark.parametrize("scanner", ["hyperscan", "regex"])
def test_a_catastrophic_user_pattern_is_reported_and_the_rest_still_runs(tmp_path, monkeypatch, scanner):
    monkeypatch.setenv("HEALTHLINT_SCANNER", scanner)
    # The lookahead keeps Hyperscan's prefilter from ruling the text out, so the
    # `regex` module has to try, and backtracks exponentially.
    engine = make_rules(tmp_path, {"id": "slow", "patterns": [r"(a|aa)+(?=!)"]},
                        {"id": "claims", "phrases": ["harmless"]})
    result = lint_text(engine, "It is harmless. " + "a" * 40 + "?")
    assert [f.rule for f in result.findings] == ["claims"]
    assert len(result.errors) == 1
    assert "rule slow" in result.errors[0] and "ran out of time" in result.errors[0]


def test_both_scanners_find_the_same_hits(builtin_ruleset):
    """Hyperscan only rules text out; what matches is decided by the regex module either way."""
    pytest.importorskip("hyperscan")
    from pathlib import Path

    from healthlint.documents import parse_document
    from healthlint.scanning import HyperscanScanner, RegexGateScanner

    texts = [(example.text, f"x.{ {'text': 'txt', 'markdown': 'md', 'html': 'html'}[example.format]}")
             for rule in builtin_ruleset.rules for example in rule.bad_examples + rule.good_examples]
    root = Path(__file__).resolve().parents[1]
    for folder in (root / "examples", root / "tests" / "fixtures" / "documents"):
        texts += [(path.read_text(encoding="utf-8-sig"), path.name) for path in sorted(folder.iterdir())
                  if path.suffix in (".md", ".txt", ".html")]
    texts.append(("Café “naïve” users’ claims… it’s harmless — no side‑effects 😀.", "x.txt"))
    # Characters the mapping to ASCII once turned into something a pattern reads
    # otherwise: a long s and a Kelvin sign that match "s" and "k" ignoring case,
    # an ellipsis that "[^.!?;]" lets through, digits beyond ASCII.
    texts.append(("This remedy has no ſide effects and no ris\u212a.\n\nIt is all natural… so it is "
                  "completely safe. Take ٢ capsules daily; results in ١٠ days.", "x.txt"))
    fast, portable = HyperscanScanner(builtin_ruleset), RegexGateScanner(builtin_ruleset)
    count = len(builtin_ruleset.checks)

    def flat(scan):
        # A check's lazy patterns come from Hyperscan unconfirmed: confirmed, they are the same hits.
        hits, timed_out = scan
        return sorted((c, h.pattern, h.block.index, h.start, h.end) for c, check_hits in enumerate(hits)
                      for h in builtin_ruleset.checks[c].confirmed(check_hits)), timed_out

    for text, name in texts:
        document = parse_document(text, name)
        assert flat(fast.scan(document, count)) == flat(portable.scan(document, count)), name


def test_an_exception_cut_off_by_its_window_still_counts(tmp_path, monkeypatch):
    """Exceptions are searched from 200 characters before a match to 200 after, and the
    `regex` module reads the end of that stretch as the end of the text: here `\\bpil\\b`
    is found in "pils", cut after "pil". Hyperscan, scanning the whole block for the
    context patterns, must not rule that search out."""
    text = "It is harmless" + (" filler" * 40)[:196] + " pils more."
    assert text.index("pils") + 3 == text.index("harmless") + len("harmless") + 200
    rule = {"id": "claims", "phrases": ["harmless"], "exceptions": [r"harmless[\s\S]*\bpil\b"]}
    for scanner in ("hyperscan", "regex"):
        monkeypatch.setenv("HEALTHLINT_SCANNER", scanner)
        (tmp_path / scanner).mkdir()
        assert found(make_rules(tmp_path / scanner, rule), text) == [], scanner


def test_context_patterns_with_one_expression_are_scanned_for_once(builtin_ruleset, tmp_path, monkeypatch):
    """Patterns that differ only in the assertions the expressions leave out share one entry of
    the context database, and so one id, in the run that compiles it and in a run that reads it."""
    pytest.importorskip("hyperscan")
    from healthlint.scanning import HyperscanScanner, _context_expression

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    compiled = HyperscanScanner(builtin_ruleset)
    read = HyperscanScanner(builtin_ruleset)
    assert compiled.context_ids == read.context_ids
    patterns = [pattern for check in builtin_ruleset.checks for pattern in check.context_patterns]
    by_expression = {}
    for pattern in patterns:
        by_expression.setdefault(_context_expression(pattern), set()).add(compiled.context_ids[id(pattern)])
    assert all(len(ids) == 1 for ids in by_expression.values())
    assert len(set().union(*by_expression.values())) == len(by_expression)  # and no two expressions one id
    assert len(by_expression) < len(patterns)  # the pack has such patterns


def test_context_prefilter_never_rules_out_a_stretch_where_the_pattern_matches(builtin_ruleset):
    """Every exception, `unless` and `when` of the built-in rules, searched in whole blocks and
    in random stretches of the rules' examples and the example documents: wherever it matches,
    the prefilter says it may."""
    pytest.importorskip("hyperscan")
    import random
    from pathlib import Path

    from healthlint.documents import parse_document
    from healthlint.kinds.base import ContextPrefilter
    from healthlint.scanning import HyperscanScanner

    scanner = HyperscanScanner(builtin_ruleset)
    patterns = [pattern for check in builtin_ruleset.checks for pattern in check.context_patterns]
    assert patterns and all(id(pattern) in scanner.context_ids for pattern in patterns)
    texts = [example.text for rule in builtin_ruleset.rules for example in rule.bad_examples + rule.good_examples]
    root = Path(__file__).resolve().parents[1]
    texts += [path.read_text(encoding="utf-8-sig") for path in sorted((root / "examples").iterdir())
              if path.suffix in (".md", ".txt")]
    chosen = random.Random(7)
    ruled_out = 0
    for text in texts:
        for block in parse_document(text, "x.txt").blocks:
            prefilter = ContextPrefilter(scanner.context_ids, scanner._context_candidates)
            length = len(block.text)
            stretches = [(0, length)] + [tuple(sorted((chosen.randrange(length + 1), chosen.randrange(length + 1))))
                                         for _ in range(8)]
            for pattern in patterns:
                for start, end in stretches:
                    if not prefilter.may_match(pattern, block, start, end):
                        ruled_out += 1
                        assert not pattern.search(block.text, start, end), (pattern.pattern, block.text[start:end])
    assert ruled_out  # the prefilter does rule text out
