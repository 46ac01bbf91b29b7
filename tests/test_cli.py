"""Every CLI command through click's CliRunner, plus the settings registry's documentation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, PROJECT, link_models

from cli import cli
from recept.settings import REGISTRY, Settings


def test_every_setting_has_help_and_is_in_the_readme() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    for s in REGISTRY:
        assert s.help.strip()
        assert f"`{s.env}`" in readme, f"{s.env} missing from README"


def test_settings_command_lists_all() -> None:
    result = CliRunner().invoke(cli, ["settings"])
    assert result.exit_code == 0
    for s in REGISTRY:
        assert s.env in result.output


def test_ask_without_index_is_one_clear_line(tmp_path: Path, e5_model_dir: Path) -> None:
    data = tmp_path / "leeg"
    link_models(data, e5_model_dir)
    import subprocess

    proc = subprocess.run(
        [str(PROJECT / ".venv" / "bin" / "recept"), "--data-dir", str(data), "ask", "Wat is ANNA?"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "recept ingest" in proc.stderr


@pytest.mark.model
def test_ingest_ask_motion_roundtrip(tmp_path: Path, e5_model_dir: Path) -> None:
    data = tmp_path / "data"
    link_models(data, e5_model_dir)
    runner = CliRunner()
    first = runner.invoke(cli, ["--data-dir", str(data), "ingest", str(CORPUS)])
    assert first.exit_code == 0, first.output
    assert "toegevoegd" in first.output
    second = runner.invoke(cli, ["--data-dir", str(data), "ingest", str(CORPUS)])
    assert "0 toegevoegd" in second.output and "ongewijzigd" in second.output

    asked = runner.invoke(cli, ["--data-dir", str(data), "ask", "Wat betekent ANNA?", "--json"])
    assert asked.exit_code == 0, asked.output
    answer = json.loads(asked.output)
    source = (CORPUS / "recept-voor-de-toekomst.md").read_text(encoding="utf-8")
    assert answer["citations"]
    for c in answer["citations"]:
        assert source[c["start"] : c["end"]] == c["quote"]

    out = tmp_path / "motie.docx"
    made = runner.invoke(
        cli,
        ["--data-dir", str(data), "motion", "regionale samenwerking", "--gemeente", "Heiloo",
         "--format", "docx", "--out", str(out)],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert out.stat().st_size > 1000
    md = runner.invoke(cli, ["--data-dir", str(data), "motion", "regionale samenwerking"])
    assert "constaterende dat" in md.output and "[gemeente]" in md.output


def test_settings_from_env_and_bad_values() -> None:
    s = Settings.load(env={"RECEPT_TOP_K": "3", "RECEPT_CHROMA_URL": "http://x:1"})
    assert (s.top_k, s.chroma_url) == (3, "http://x:1")
    from recept.errors import ConfigError

    with pytest.raises(ConfigError):
        Settings.load(env={"RECEPT_TOP_K": "veel"})
