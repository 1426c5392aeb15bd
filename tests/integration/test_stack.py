"""``docpipe up`` as a user runs it: a subprocess, real SeaweedFS, Valkey, PostgreSQL, Celery
worker and Flower.

The broker and the catalog are pointed at ports where nothing answers, as on a fresh machine, so
the stack starts its own Valkey and its own embedded PostgreSQL; every port is free-chosen, every
file lives in a temporary directory (traversable by the unprivileged user PostgreSQL runs as when
the tests run as root). Afterwards no process of the stack may be left running.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from workers.devstack.processes import free_port
from workers.devstack.stack import PROJECT_ROOT

pytestmark = pytest.mark.integration

GOLD = PROJECT_ROOT / "tests" / "fixtures" / "gold"


def up_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "workers.cli.service", "up", "--flower-port", str(free_port()), *args]


@pytest.fixture(name="tmp_path")
def _open_tmp_path() -> Iterator[Path]:
    """A temporary folder others may traverse (pytest's own is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="docpipe-stack-test-"))
    folder.chmod(0o711)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def stack_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCPIPE_", "FLOWER_"))}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        DOCPIPE_DATA_DIR=str(tmp_path / "data"),
        DOCPIPE_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0",  # nothing answers: Valkey is started
        DOCPIPE_CATALOG__URL=f"postgresql://postgres@127.0.0.1:{free_port()}/docpipe",  # embedded PostgreSQL
        DOCPIPE_INTAKE__DROP_DIR=str(tmp_path / "drop"),
        DOCPIPE_WEB__PORT=str(free_port()),
    )
    return env


def stack_pids(output: str) -> list[int]:
    """The pids ``docpipe up`` printed (SeaweedFS, Valkey, worker, Flower)."""
    return [int(pid) for pid in re.findall(r"\bpid (\d+)", output)]


def running_with(text: str) -> list[str]:
    """Command lines of live processes that mention ``text`` (zombies excluded)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(cmdline)
    return found


def kill_left(text: str) -> None:
    """SIGKILL what still runs with ``text`` in its command line (a stack a failed test left)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if text in (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                os.kill(int(proc.name), signal.SIGKILL)


def assert_nothing_left(tmp_path: Path, output: str) -> None:
    assert running_with(str(tmp_path)) == []
    pids = stack_pids(output)
    assert len(pids) >= 3, output
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


#: Secrets given to the demo run; none may appear in anything it writes or prints.
SECRETS = {
    "DOCPIPE_STORAGE__SECRET_KEY": "s3-secret-4f1d9c",
    "DOCPIPE_WEB__WEBHOOK_TOKEN": "hook-token-8a2e71",
    "DOCPIPE_FLOWER__BASIC_AUTH": "ops:flower-pass-93bd02",
}


def test_up_demo_publishes_the_seeds(tmp_path: Path) -> None:
    """``docpipe up --demo seeds/`` on a machine with no broker and no PostgreSQL running: all
    four published, table printed, outputs copied, all stopped, and no secret in any log or output."""
    out = tmp_path / "out"
    began = time.monotonic()
    result = subprocess.run(
        up_command("--demo", str(PROJECT_ROOT / "seeds"), "--out", str(out), "--timeout", "60"),
        env=stack_env(tmp_path) | SECRETS,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - began
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 published, 0 other" in result.stdout
    assert re.search(r"^flower\s+http://127\.0\.0\.1:\d+", result.stdout, re.MULTILINE)
    assert "started here (valkey)" in result.stdout and "started here (embedded PostgreSQL)" in result.stdout
    rows = [line for line in result.stdout.splitlines() if re.match(r"^00\d_\w+\.txt\s", line)]
    assert len(rows) == 4 and all(" published " in row for row in rows)
    copies = sorted(p.name for p in out.glob("*.json"))
    assert copies == sorted(p.name for p in GOLD.glob("*.json"))
    for copy in out.glob("*.json"):
        document = json.loads(copy.read_text(encoding="utf-8"))
        assert document["segments"] and document["meta"]["title"]
    assert_nothing_left(tmp_path, result.stdout)
    logs = [p for p in (tmp_path / "data").rglob("*.log") if p.is_file()]
    assert {p.name for p in logs} >= {"worker.log", "flower.log", "postgres.log", "valkey.log", "weed.log"}
    texts = [result.stdout, result.stderr] + [p.read_text(errors="replace") for p in logs]
    for secret in [*SECRETS.values(), SECRETS["DOCPIPE_FLOWER__BASIC_AUTH"].split(":")[1]]:
        assert not [i for i, text in enumerate(texts) if secret in text], secret
    worker_log = (tmp_path / "data" / "logs" / "worker.log").read_text()
    assert all(json.loads(line) for line in worker_log.splitlines() if line.startswith("{"))
    print(f"docpipe up --demo seeds: {elapsed:.1f} s")  # a figure, not a bar: benchmarks live in bench/


@contextlib.contextmanager
def running_stack(tmp_path: Path, *args: str, until: str) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """``docpipe up ARGS`` in the background, its output read up to the line containing ``until``;
    on leaving, whatever still runs is killed (a test that passes stops it itself, with SIGINT)."""
    process = subprocess.Popen(
        up_command(*args),
        env=stack_env(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if until in line:
                break
        yield process, lines
    except BaseException:
        # a test that failed: the stack stops its parts on SIGINT; what it left is killed, so the
        # next tests do not share a machine with it (a passing test checks nothing is left itself)
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=60)
        kill_left(str(tmp_path))
        raise
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_up_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    """Without --demo it stays up until SIGINT, then stops every part and exits 0."""
    with running_stack(tmp_path, "--no-flower", until="docpipe is up") as (process, lines):
        assert any("docpipe is up" in line for line in lines), "".join(lines)
        assert running_with(str(tmp_path)), "the stack's processes should be running now"
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    output = "".join(lines) + rest
    assert process.returncode == 0, output
    assert "all stopped." in output
    assert_nothing_left(tmp_path, output)


def flower_get(url: str, auth: str | None) -> tuple[int, bytes]:
    headers = {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_flower_lists_the_tasks_and_refuses_anonymous_calls(tmp_path: Path) -> None:
    """With --keep-running, Flower's API refuses anonymous calls (a shutdown included) and shows
    the four docpipe.process tasks, succeeded, to the user of the generated credentials."""
    seeds = str(PROJECT_ROOT / "seeds")
    demo = ("--demo", seeds, "--out", str(tmp_path / "out"), "--keep-running")
    with running_stack(tmp_path, *demo, until="published, ") as (process, lines):
        output = "".join(lines)
        assert "4 published, 0 other" in output, output
        flower = re.search(r"^flower\s+(http://127\.0\.0\.1:\d+)", output, re.MULTILINE)
        assert flower, output
        auth = (tmp_path / "data" / "flower-auth").read_text().strip()
        assert auth.split(":", 1)[1] not in output  # the password is never printed
        assert flower_get(f"{flower.group(1)}/api/tasks", None)[0] == 401
        assert flower_get(f"{flower.group(1)}/api/workers", "docpipe:wrong")[0] == 401
        shutdown = urllib.request.Request(f"{flower.group(1)}/api/worker/shutdown/x", method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(shutdown, timeout=5)
        assert refused.value.code == 401
        tasks: dict[str, dict[str, object]] = {}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, ValueError):
                status, raw = flower_get(f"{flower.group(1)}/api/tasks", auth)
                tasks = json.loads(raw) if status == 200 else {}
            succeeded = [
                t
                for t in tasks.values()
                if str(t.get("name")).startswith("process docpipe-inbox/") and t.get("state") == "SUCCESS"
            ]
            if len(succeeded) >= 4:
                break
            time.sleep(0.5)
        assert len(succeeded) == 4, tasks
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output + rest
    assert_nothing_left(tmp_path, output + rest)


def docpipe(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed ``docpipe`` command line, as a user runs it."""
    command = [str(Path(sys.executable).with_name("docpipe")), *args]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=60, check=False)


def test_other_commands_find_the_stack_through_its_runtime_file(tmp_path: Path) -> None:
    """``docpipe up`` writes where it listens (no secret); ``upload``, ``status`` and ``show`` run
    with settings naming other ports still reach it; the foreground prints a line per finished
    document; the file is gone after the stop."""
    with running_stack(tmp_path, "--no-flower", until="docpipe is up") as (process, lines):
        runtime_file = tmp_path / "data" / "runtime.json"
        runtime = json.loads(runtime_file.read_text())
        assert runtime["pid"] == process.pid and runtime["storage"]["inbox_bucket"] == "docpipe-inbox"
        assert runtime["broker_url"].startswith("redis://127.0.0.1:") and "catalog_url" in runtime
        assert "change-me" not in runtime_file.read_text() and "secret" not in runtime_file.read_text()
        elsewhere = stack_env(tmp_path) | {  # a restart moved everything: these name nothing running
            "DOCPIPE_STORAGE__ENDPOINT": f"127.0.0.1:{free_port()}",
            "DOCPIPE_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
            "DOCPIPE_CATALOG__URL": f"postgresql://postgres@127.0.0.1:{free_port()}/docpipe",
        }
        inbox = tmp_path / "to-upload"
        inbox.mkdir()
        (inbox / "empty.txt").write_bytes(b"")
        shutil.copy(sorted((PROJECT_ROOT / "seeds").glob("*.txt"))[0], inbox / "seed.txt")
        uploaded = docpipe("upload", str(inbox), env=elsewhere, cwd=tmp_path)
        assert uploaded.returncode == 0, uploaded.stdout + uploaded.stderr
        assert "2 uploaded to docpipe-inbox" in uploaded.stderr
        assert process.stdout is not None
        finished: list[str] = []
        while len(finished) < 2:
            line = process.stdout.readline()
            assert line, "".join(lines + finished)
            if re.match(r"^\d\d:\d\d:\d\d  ", line):
                finished.append(line)
        assert any(" published " in f and "docpipe-inbox/seed.txt" in f for f in finished), finished
        assert any(" failed " in f and "docpipe-inbox/empty.txt  empty: " in f for f in finished), finished
        status = docpipe("status", "--json", env=elsewhere, cwd=tmp_path)
        assert status.returncode == 0, status.stderr
        assert sorted(r["state"] for r in json.loads(status.stdout)) == ["failed", "published"]
        table = docpipe("status", "--state", "failed", env=elsewhere, cwd=tmp_path)
        assert "empty.txt" in table.stdout and "seed.txt" not in table.stdout, table.stdout
        shown = docpipe("show", "empty.txt", env=elsewhere, cwd=tmp_path)
        assert shown.returncode == 0 and "FAILURE  empty: " in shown.stdout, shown.stdout + shown.stderr
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, rest
    assert not runtime_file.exists()
    assert_nothing_left(tmp_path, "".join(lines + finished) + rest)
