"""Configuration: defaults load; a broken file is one clear message, never a traceback."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from jagtui.config import DEFAULTS_PATH, ConfigError, load_config, write_user_config


def test_shipped_defaults_follow_the_domain():
    cfg = load_config(DEFAULTS_PATH)
    assert [b.code for b in cfg.beats] == [str(n) for n in range(56, 66)]
    assert cfg.locality_beat["anstey"] == "58"
    assert cfg.meetings.cadence_weeks == 6
    assert cfg.retention.closed_case_years == 6
    assert (cfg.flags.community_trigger.count, cfg.flags.community_trigger.months,
            cfg.flags.community_trigger.hate_count) == (3, 6, 1)
    assert (cfg.flags.repeat_victim.count, cfg.flags.repeat_victim.months) == (3, 3)
    assert (cfg.risk.review_days.medium, cfg.risk.review_days.high) == (28, 14)
    assert [s.key for s in cfg.ladder][:3] == ["ADVICE", "LETTER", "ABC"]
    assert {p.key for p in cfg.priorities} == {"P1", "P2", "P3", "P4"}


def test_a_partial_user_file_merges_over_the_defaults(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[partnership]\nname = "Blaby and Hinckley CSP"\n[meetings]\ncadence_weeks = 4\n')
    cfg = load_config(path)
    assert cfg.partnership.name == "Blaby and Hinckley CSP"
    assert cfg.partnership.protective_marking == "OFFICIAL-SENSITIVE"
    assert cfg.meetings.cadence_weeks == 4
    assert cfg.source == str(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[meetings\ncadence_weeks = 6", "not valid TOML"),
        ('[meetings]\ncadence_weeks = "six"', "key meetings.cadence_weeks: Input should be a valid integer"),
        ("[meetings]\ncadence_weeks = 0", "key meetings.cadence_weeks: Input should be greater than or equal to 1, got 0"),
        ("[meetings]\ncadense_weeks = 6", "key meetings.cadense_weeks: unknown key"),
        ("[risk]\nmedium_from = 30\nhigh_from = 20", "key risk: high_from must be greater than medium_from"),
        ('[meetings]\ndefault_start = "25:00"', "key meetings.default_start"),
        ('[[ladder]]\nkey = "ONLY"\nname = "One step"\nreview_months = 1',
         "key ladder: List should have at least 2 items"),
        ('[[categories]]\nkey = "A"\nname = "A"\nharm_weight = 1\nasb = true\n'
         '[[categories]]\nkey = "A"\nname = "B"\nharm_weight = 2\nasb = false',
         "duplicate categories key 'A'"),
        ("[flags.community_trigger]\ncount = -1", "key flags.community_trigger.count"),
    ],
)
def test_bad_files_name_the_file_the_key_and_what_was_expected(tmp_path, text, expected):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_unreadable_files_are_explained(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'[partnership]\nname = "Caf\xe9"\n')
    with pytest.raises(ConfigError, match="not valid TOML|not UTF-8"):
        load_config(latin)


def test_config_init_writes_a_full_copy_that_loads(tmp_path):
    target = write_user_config(tmp_path / "sub" / "config.toml")
    data = tomllib.loads(target.read_text())
    assert data["meetings"]["cadence_weeks"] == 6
    assert load_config(target) == load_config(DEFAULTS_PATH).model_copy(update={"source": str(target)})
    with pytest.raises(ConfigError, match="already exists"):
        write_user_config(target)


def test_config_init_writes_the_shipped_file_with_its_comments(tmp_path):
    # What the user runs; the copy is the shipped file, every comment where it was.
    target = tmp_path / "config.toml"
    done = subprocess.run([sys.executable, "-m", "jagtui.cli", "config", "init", "--path", str(target)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    shipped = DEFAULTS_PATH.read_text(encoding="utf-8")
    written = target.read_text(encoding="utf-8")
    comments = [line.strip() for line in shipped.splitlines() if line.strip().startswith("#")]
    kept = [line.strip() for line in written.splitlines() if line.strip().startswith("#")]
    assert len(comments) > 40
    assert [line for line in kept if line in comments] == comments
    assert "not official CCHI figures" in written
    assert written.endswith(shipped)  # below a line saying where it came from
    assert tomllib.loads(written) == tomllib.loads(shipped)
    assert load_config(target) == load_config(DEFAULTS_PATH).model_copy(update={"source": str(target)})


def test_cli_reports_a_broken_config_in_one_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[meetings]\ncadence_weeks = 'x'\n")
    done = subprocess.run([sys.executable, "-m", "jagtui.cli", "config", "check", "--config", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().count("\n") == 0
    assert done.stderr.startswith(f"jagtui: {path}: key meetings.cadence_weeks")
    assert "Traceback" not in done.stderr
