"""Strict rule loading: every mistake stops the run with the file, the line and the key."""
from __future__ import annotations

import pytest

from healthlint.ruleset import RuleError, load_rule_file, load_ruleset

VALID = """\
id: sample-rule
category: hype
severity: warning
message: "“{match}” is hype."
description: Flags a sample word.
rationale: Because tests need one.
references:
  - title: FTC
    url: https://www.ftc.gov/
kind: pattern
phrases: [sample]
examples:
  bad: ["a sample", "Sample!"]
  good: ["nothing", "simple"]
"""


def write(tmp_path, text, name="sample-rule.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path, text, name="sample-rule.yaml") -> str:
    path = write(tmp_path, text, name)
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    return str(caught.value).replace(str(path), "FILE")


def test_valid_rule_loads(tmp_path):
    rule = load_rule_file(write(tmp_path, VALID))
    assert rule.id == "sample-rule" and rule.kind == "pattern" and rule.scope == ("sentence",)
    assert rule.option("phrases") == ("sample",)
    assert rule.link == "https://www.ftc.gov/"


def test_unknown_key(tmp_path):
    assert error_for(tmp_path, VALID.replace("kind: pattern", "kind: pattern\ncolour: red")) == (
        "FILE:11: key 'colour': unknown key for a rule of kind 'pattern'")


def test_option_of_another_kind_is_unknown(tmp_path):
    text = VALID.replace("kind: pattern", "kind: pattern\nterms: {a: b}")
    assert "key 'terms': unknown key" in error_for(tmp_path, text)


def test_missing_field(tmp_path):
    assert error_for(tmp_path, VALID.replace("rationale: Because tests need one.\n", "")) == (
        "FILE:1: key 'rationale': is missing")


def test_bad_regex(tmp_path):
    text = VALID.replace("phrases: [sample]", "patterns: ['sam(ple']")
    message = error_for(tmp_path, text)
    assert message.startswith("FILE:11: key 'patterns': the regex 'sam(ple' does not compile")


def test_regex_matching_empty_text_is_refused(tmp_path):
    message = error_for(tmp_path, VALID.replace("phrases: [sample]", "patterns: ['x*']"))
    assert "matches empty text" in message


def test_bad_category_and_severity(tmp_path):
    assert "FILE:2: key 'category': must be one of" in error_for(tmp_path, VALID.replace("hype", "fluff", 1))
    assert "FILE:3: key 'severity': must be one of" in error_for(tmp_path, VALID.replace("warning", "fatal"))


def test_unknown_kind(tmp_path):
    assert "FILE:10: key 'kind': unknown kind 'magic'" in error_for(tmp_path, VALID.replace("pattern", "magic"))


def test_id_must_match_file_name(tmp_path):
    assert "key 'id': must match the file name ('other')" in error_for(tmp_path, VALID, name="other.yaml")


def test_message_template_fields_are_checked(tmp_path):
    message = error_for(tmp_path, VALID.replace("is hype.", "is {nonsense}."))
    assert "FILE:4: key 'message': uses {nonsense}" in message


def test_examples_need_two_of_each(tmp_path):
    message = error_for(tmp_path, VALID.replace('good: ["nothing", "simple"]', 'good: ["nothing"]'))
    assert "key 'examples.good': needs at least two examples" in message


def test_fix_applicability_is_checked(tmp_path):
    text = VALID.replace("kind: pattern", "fix: {applicability: maybe}\nkind: pattern")
    assert "key 'fix.applicability': must be one of safe, unsafe, suggestion" in error_for(tmp_path, text)


def test_python_tags_are_refused(tmp_path):
    text = VALID.replace("description: Flags a sample word.", "description: !!python/object/apply:os.system ['true']")
    message = error_for(tmp_path, text)
    assert message.startswith("FILE:5: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed")


def test_invalid_yaml_names_the_line(tmp_path):
    assert error_for(tmp_path, VALID + "examples: [\n").startswith("FILE:")


def test_duplicate_keys_are_refused(tmp_path):
    assert "key 'severity': duplicate key" in error_for(tmp_path, VALID + "severity: error\n")


def test_user_folder_may_replace_a_builtin_rule(tmp_path):
    builtin = load_ruleset()
    rule = builtin.rules[0]
    replacement = VALID.replace("sample-rule", rule.id)
    write(tmp_path, replacement, name=f"{rule.id}.yaml")
    merged = load_ruleset([tmp_path])
    assert merged.by_id(rule.id).option("phrases") == ("sample",)
    assert len(merged.rules) == len(builtin.rules)


def test_same_id_twice_in_user_folders_is_an_error(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    write(tmp_path / "one", VALID)
    write(tmp_path / "two", VALID)
    with pytest.raises(RuleError) as caught:
        load_ruleset([tmp_path / "one", tmp_path / "two"], include_builtin=False)
    assert "is already defined in" in str(caught.value)


def test_an_opt_in_rule_runs_only_when_its_id_is_selected(tmp_path):
    write(tmp_path, VALID.replace("kind: pattern", "kind: pattern\nopt_in: true"))
    ruleset = load_ruleset([tmp_path])
    assert ruleset.by_id("sample-rule").opt_in
    assert "sample-rule" not in {rule.id for rule in ruleset.selected().rules}
    assert "sample-rule" not in {rule.id for rule in ruleset.selected(("hype",)).rules}  # its category is not enough
    assert {rule.id for rule in ruleset.selected(("sample-rule",)).rules} == {"sample-rule"}
    assert "hype-words" in {rule.id for rule in ruleset.selected(("hype",)).rules}


def test_opt_in_must_be_true_or_false(tmp_path):
    text = VALID.replace("kind: pattern", "kind: pattern\nopt_in: sometimes")
    assert error_for(tmp_path, text) == "FILE:11: key 'opt_in': must be true or false"
