#!/usr/bin/env python3
"""Latency, throughput and memory of our assistant next to a vanilla `rasa init` bot, measured in one run.

Why: the project sets targets *relative* to a vanilla Rasa bot (p95 ≤ 1.5×, throughput ≥ 0.8×) because absolute
numbers depend on the machine and on whatever else it is doing. Measuring both bots in the same run, on the
same machine, under the same background load, is the only comparison that means anything. The load phases
alternate (vanilla, ours, ours, vanilla, ...) so a change in background load during the run hits both alike.

What it does (`make bench`):
  1. `rasa init --no-prompt` in a temporary folder (Rasa trains the vanilla model as part of init; that wall
     time is recorded as the vanilla training time) and starts that bot's Rasa server.
  2. Starts our Rasa server + action server (models/mediation.tar.gz, copied so a retrain can't swap it mid-run;
     with BENCH_TRAIN_OURS=1 the model this run trained instead), against a throw-away SQLite database and
     var/ folder, like tests/stack.py.
  3. Warms each server up, then runs N concurrent simulated conversations (default 20, 9–10 messages each,
     every conversation its own sender id) over the REST channel, loopback only, bounded in count and time.
  4. Prints p50/p95/max latency, messages/s, errors and peak Rasa server RSS (VmRSS of the server and its
     children, sampled from /proc), compares them with the targets (PASS/FAIL), and writes var/bench/latest.json.

Our `rasa train` time is only measured when BENCH_TRAIN_OURS=1 (it retrains the whole project into a temporary
folder with `--force`, which can take minutes on a shared 2-core machine); the load test then uses that model,
so training time, latency and memory all describe the config.yml of this run.

Exit status: 0 whether or not targets are met (it is a benchmark, not a gate); non-zero only if something crashed.
Every process it starts runs in its own process group and is stopped on exit, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import requests

from bot.cli import launcher
from bot.cli.launcher import Processes, free_port, tail

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "mediation.tar.gz"
SPACY_MODEL = ROOT / "var" / "spacy" / "en_mediation"
DEFAULT_JSON = ROOT / "var" / "bench" / "latest.json"

TARGET_P95_RATIO = 1.5  # our p95 ≤ 1.5 × vanilla p95
TARGET_THROUGHPUT_RATIO = 0.8  # our messages/s ≥ 0.8 × vanilla
TARGET_RSS_MB = 1331  # 1.3 GB
TARGET_TRAIN_S = 180  # 3 minutes

# --- the simulated residents ---------------------------------------------------------------------------------
# Ours: greet, three FAQ questions, start the eligibility check and answer three questions, leave it, thank.
OUR_GREETINGS = ["hi", "hello there", "hey", "good morning"]
OUR_FAQ = [
    "what is mediation exactly",
    "is it free",
    "do i have to do mediation or is it optional",
    "are the mediators cops or do they work for kcpd",
    "is the session recorded",
    "will the cop get fired or punished",
    "how long does the session last",
    "can we do it over zoom instead of in person",
    "can i bring my mom with me",
    "do i need a lawyer for this",
    "what if the officer says no to mediation",
    "whats the phone number for the office",
]
OUR_ELIGIBILITY_START = ["am i eligible for mediation", "can i do mediation", "do i qualify for mediation"]
OUR_ELIGIBILITY_ANSWERS = ["yes", "it was me", "yes i already filed"]
OUR_LEAVE = ["never mind i'll call them", "stop"]
OUR_THANKS = ["thanks", "thank you so much"]

# Vanilla: only messages taken from the `rasa init` training data (greet, moods, bot challenge, goodbye).
VANILLA_SCRIPTS = [
    [
        "hello",
        "I am sad",
        "yes",
        "are you a bot?",
        "hey there",
        "I am feeling very good",
        "am I talking to a human?",
        "good morning",
        "bye",
    ],
    [
        "hey",
        "my day was horrible",
        "no",
        "are you a human?",
        "hi",
        "great",
        "am I talking to a bot?",
        "good evening",
        "see you later",
    ],
]


def our_script(i: int) -> list[str]:
    faq = [OUR_FAQ[(3 * i + k) % len(OUR_FAQ)] for k in range(3)]
    return [
        OUR_GREETINGS[i % len(OUR_GREETINGS)],
        *faq,
        OUR_ELIGIBILITY_START[i % len(OUR_ELIGIBILITY_START)],
        *OUR_ELIGIBILITY_ANSWERS,
        OUR_LEAVE[i % len(OUR_LEAVE)],
        OUR_THANKS[i % len(OUR_THANKS)],
    ]


def vanilla_script(i: int) -> list[str]:
    return VANILLA_SCRIPTS[i % len(VANILLA_SCRIPTS)]


# --- memory --------------------------------------------------------------------------------------------------
def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])  # field 4; the command name may contain spaces
        children.setdefault(ppid, []).append(int(entry))
    return children


def _vm_rss_kb(pid: int, key: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(pid: int) -> float:
    """VmRSS of a process and all its descendants, in MB (shared pages counted per process)."""
    children = _children_map()
    todo, total = [pid], 0
    while todo:
        current = todo.pop()
        total += _vm_rss_kb(current)
        todo.extend(children.get(current, []))
    return total / 1024


class RssSampler:
    """Samples the RSS of a process tree in the background while a load phase runs; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid, self.interval = pid, interval
        self.peak_mb = tree_rss_mb(pid)
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def __enter__(self) -> "RssSampler":
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self._sample()

    def _sample(self) -> None:
        self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()


# --- load ----------------------------------------------------------------------------------------------------
@dataclass
class Target:
    name: str
    rasa_url: str
    rasa_pid: int
    script: Callable[[int], list[str]]
    action_pid: Optional[int] = None
    latencies_ms: list[float] = field(default_factory=list)
    timed: list[tuple[float, int, str]] = field(default_factory=list)  # (ms, position, scripted text)
    errors: list[str] = field(default_factory=list)
    empty_replies: int = 0
    not_sent: int = 0
    phase_seconds: float = 0.0
    rss: Optional[RssSampler] = None
    action_rss: Optional[RssSampler] = None
    startup_seconds: float = 0.0


def send(session: requests.Session, url: str, sender: str, text: str, timeout: float) -> list:
    response = session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout)
    response.raise_for_status()
    return response.json()


def warm_up(target: Target) -> int:
    """One full scripted conversation, not counted: loads everything a first resident would trigger
    (e.g. the action server's lazily loaded spaCy/dateparser on the first date question)."""
    script = target.script(0)
    with requests.Session() as session:
        sender = f"bench-warmup-{uuid.uuid4().hex[:8]}"
        for text in script:
            send(session, target.rasa_url, sender, text, timeout=180)
    return len(script)


def run_phase(target: Target, conversations: int, deadline_s: float, request_timeout: float) -> None:
    """One load phase: `conversations` residents at once, each sending its script one message at a time."""
    lock = threading.Lock()
    stop_at = time.monotonic() + deadline_s
    run_id = uuid.uuid4().hex[:6]

    def conversation(i: int) -> None:
        sender = f"bench-{target.name}-{run_id}-{i:03d}"
        script = target.script(i)
        with requests.Session() as session:
            for n, text in enumerate(script):
                if time.monotonic() > stop_at:
                    with lock:
                        target.not_sent += len(script) - n
                    return
                started = time.perf_counter()
                try:
                    reply = send(session, target.rasa_url, sender, text, timeout=request_timeout)
                except Exception as exc:  # counted, not raised: a benchmark reports failures
                    with lock:
                        target.errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
                    continue
                elapsed_ms = (time.perf_counter() - started) * 1000
                with lock:
                    target.latencies_ms.append(elapsed_ms)
                    target.timed.append((elapsed_ms, n + 1, text))
                    if not reply:
                        target.empty_replies += 1

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=conversations) as pool:
        list(pool.map(conversation, range(conversations)))
    target.phase_seconds += time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation): the value below which q% of the samples fall."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summary(target: Target) -> dict:
    ok = len(target.latencies_ms)
    return {
        "messages_ok": ok,
        "errors": len(target.errors),
        "not_sent_deadline": target.not_sent,
        "empty_replies": target.empty_replies,
        "p50_ms": round(percentile(target.latencies_ms, 50), 1),
        "p95_ms": round(percentile(target.latencies_ms, 95), 1),
        "max_ms": round(max(target.latencies_ms), 1) if ok else None,
        "messages_per_s": round(ok / target.phase_seconds, 2) if target.phase_seconds else None,
        "load_seconds": round(target.phase_seconds, 1),
        "rasa_rss_peak_mb": round(target.rss.peak_mb) if target.rss else None,
        "action_server_rss_peak_mb": round(target.action_rss.peak_mb) if target.action_rss else None,
        "server_startup_s": round(target.startup_seconds, 1),
        # cross-checks: the server process alone after the load, and the kernel's own peak (VmHWM, since start)
        "rasa_main_process_rss_at_end_mb": round(_vm_rss_kb(target.rasa_pid) / 1024),
        "rasa_main_process_vmhwm_mb": round(_vm_rss_kb(target.rasa_pid, "VmHWM") / 1024),
        # where the time goes: median latency of the n-th message of the script (greet, FAQ, form answers...)
        "p50_ms_by_position": {
            str(pos): round(percentile([ms for ms, p, _ in target.timed if p == pos], 50))
            for pos in sorted({p for _, p, _ in target.timed})
        },
        "slowest_messages": [
            {"ms": round(ms), "position": pos, "text": text} for ms, pos, text in sorted(target.timed, reverse=True)[:5]
        ],
        "sample_errors": sorted(set(target.errors))[:5],
    }


# --- the two bots --------------------------------------------------------------------------------------------
def base_env() -> dict:
    return launcher.base_env({"PYTHONHASHSEED": "0"})


def prepare_vanilla(procs: Processes, tmp: Path, reuse: Optional[Path], timeout: float) -> tuple[Path, Optional[float]]:
    """A `rasa init` project with a trained model; returns (project folder, training wall time or None)."""
    if reuse:
        if not list((reuse / "models").glob("*.tar.gz")):
            raise SystemExit(f"--vanilla-dir {reuse} has no trained model in models/")
        print(f"Reusing the vanilla bot in {reuse} (its training time is not measured).")
        return reuse, None
    project = tmp / "vanilla"
    project.mkdir()
    print(f"Creating and training a vanilla `rasa init` bot in {project} ...", flush=True)
    # `rasa init --no-prompt` trains the model itself (rasa.train on the scaffold's domain/config/data, the same
    # call `rasa train` makes), so timing it measures the vanilla training without training twice.
    seconds = procs.run(
        "vanilla-init",
        [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)],
        base_env(),
        cwd=project,
        log=tmp / "vanilla-init.log",
        timeout=timeout,
    )
    if not list((project / "models").glob("*.tar.gz")):
        raise RuntimeError(f"rasa init produced no model; log:\n{tail(tmp / 'vanilla-init.log')}")
    print(f"  vanilla init + train: {seconds:.0f}s", flush=True)
    return project, seconds


def start_vanilla(procs: Processes, project: Path, tmp: Path, timeout: float) -> Target:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = procs.start(
        "vanilla-rasa",
        [  # plain Rasa for the vanilla bot: none of our patches
            str(BIN / "rasa"),
            "run",
            "--model",
            "models",
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
            "--credentials",
            "credentials.yml",
        ],
        base_env(),
        cwd=project,
        log=tmp / "vanilla-rasa.log",
    )
    target = Target("vanilla", url, proc.pid, vanilla_script)
    target.startup_seconds = procs.wait_until_up("vanilla-rasa", f"{url}/", timeout)
    return target


def start_ours(procs: Processes, tmp: Path, timeout: float, source_model: Path) -> Target:
    """Our Rasa server + action server, configured like tests/stack.py (throw-away SQLite DB and var/)."""
    model = tmp / "mediation.tar.gz"
    shutil.copy2(source_model, model)
    rasa_port, action_port = free_port(), free_port()
    env = launcher.throwaway_env(tmp / "ours-var", rasa_port, action_port, PYTHONHASHSEED="0")
    subprocess.run(
        [str(BIN / "mediation-admin"), "migrate"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120
    )
    actions = procs.start(
        "ours-actions", launcher.action_server(action_port), launcher.action_env(env), log=tmp / "ours-actions.log"
    )
    rasa = procs.start("ours-rasa", launcher.rasa_server(model, rasa_port), env, log=tmp / "ours-rasa.log")
    url = f"http://127.0.0.1:{rasa_port}"
    target = Target("ours", url, rasa.pid, our_script, action_pid=actions.pid)
    procs.wait_until_up("ours-actions", f"http://127.0.0.1:{action_port}/health", timeout)
    target.startup_seconds = procs.wait_until_up("ours-rasa", f"{url}/", timeout)
    return target


def train_ours(procs: Processes, tmp: Path, timeout: float) -> tuple[float, Path]:
    """Train our project from scratch; returns (wall seconds, the model), which the load test then uses."""
    out = tmp / "ours-train"
    print(f"BENCH_TRAIN_OURS=1: training our project into {out} (--force) ...", flush=True)
    seconds = procs.run(
        "ours-train",
        launcher.rasa_command(
            "train", "--force", "--domain", "domain", "--out", str(out), "--fixed-model-name", "bench"
        )
        + ["--num-threads", "2"],
        base_env(),
        log=tmp / "ours-train.log",
        timeout=timeout,
    )
    print(f"  our rasa train: {seconds:.0f}s", flush=True)
    return seconds, out / "bench.tar.gz"


def sha12(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


# --- report --------------------------------------------------------------------------------------------------
def machine() -> dict:
    mem_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def checks(ours: dict, vanilla: dict, train_s: Optional[float]) -> list[dict]:
    def ratio(a, b):
        return round(a / b, 2) if a is not None and b else None

    p95_ratio = ratio(ours["p95_ms"], vanilla["p95_ms"])
    tput_ratio = ratio(ours["messages_per_s"], vanilla["messages_per_s"])
    rss = ours["rasa_rss_peak_mb"]
    return [
        {
            "target": "our p95 <= 1.5 x vanilla p95",
            "value": p95_ratio,
            "pass": p95_ratio is not None and p95_ratio <= TARGET_P95_RATIO,
        },
        {
            "target": "our throughput >= 0.8 x vanilla",
            "value": tput_ratio,
            "pass": tput_ratio is not None and tput_ratio >= TARGET_THROUGHPUT_RATIO,
        },
        {
            "target": f"our Rasa RSS <= {TARGET_RSS_MB} MB",
            "value": rss,
            "pass": rss is not None and rss <= TARGET_RSS_MB,
        },
        {
            "target": f"our rasa train <= {TARGET_TRAIN_S} s",
            "value": round(train_s) if train_s else None,
            "pass": None if train_s is None else train_s <= TARGET_TRAIN_S,
        },
    ]


def print_report(results: dict) -> None:
    rows = [("", "vanilla", "ours")]
    v, o = results["vanilla"], results["ours"]
    for label, key in [
        ("messages ok", "messages_ok"),
        ("errors", "errors"),
        ("not sent (deadline)", "not_sent_deadline"),
        ("empty replies", "empty_replies"),
        ("p50 ms", "p50_ms"),
        ("p95 ms", "p95_ms"),
        ("max ms", "max_ms"),
        ("messages/s", "messages_per_s"),
        ("Rasa RSS peak MB", "rasa_rss_peak_mb"),
        ("action server RSS MB", "action_server_rss_peak_mb"),
        ("server start s", "server_startup_s"),
    ]:
        rows.append((label, "-" if v[key] is None else str(v[key]), "-" if o[key] is None else str(o[key])))
    train = results["train_seconds"]
    rows.append(
        (
            "rasa train s",
            "-" if train["vanilla"] is None else f"{train['vanilla']:.0f} (init+train)",
            "not measured (set BENCH_TRAIN_OURS=1)" if train["ours"] is None else f"{train['ours']:.0f}",
        )
    )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print()
    print(
        f"{results['settings']['conversations']} concurrent conversations x {results['settings']['rounds']} "
        f"round(s) per bot, loopback REST channel"
    )
    for r in rows:
        print(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    print()
    for c in results["checks"]:
        verdict = "n/a " if c["pass"] is None else ("PASS" if c["pass"] else "FAIL")
        value = "not measured (set BENCH_TRAIN_OURS=1)" if c["value"] is None else c["value"]
        print(f"  {verdict}  {c['target']}: {value}")
    for name in ("vanilla", "ours"):
        for err in results[name]["sample_errors"]:
            print(f"  {name} error sample: {err}")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=20, help="concurrent conversations (default 20)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="load phases per bot, alternating vanilla/ours/ours/vanilla... (default 2)",
    )
    parser.add_argument(
        "--phase-deadline", type=float, default=300, help="seconds after which a load phase stops sending (default 300)"
    )
    parser.add_argument("--request-timeout", type=float, default=60, help="per-message timeout (default 60)")
    parser.add_argument("--startup-timeout", type=float, default=400, help="server start timeout (default 400)")
    parser.add_argument("--train-timeout", type=float, default=1800, help="training timeout (default 1800)")
    parser.add_argument(
        "--vanilla-dir",
        type=Path,
        help="reuse an existing trained `rasa init` project (skips and does not time its training)",
    )
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"results file (default {DEFAULT_JSON})")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temporary folder (logs, vanilla bot)")
    args = parser.parse_args(argv)

    if not MODEL.exists() and os.environ.get("BENCH_TRAIN_OURS") != "1":
        print(f"No trained model at {MODEL}; run `make train` first (`make bench` does it).", file=sys.stderr)
        return 2
    if not (SPACY_MODEL / "meta.json").exists():
        print(f"No spaCy pipeline at {SPACY_MODEL}; run `make spacy` first.", file=sys.stderr)
        return 2

    # SIGTERM behaves like Ctrl-C, so the `finally` below stops every process either way.
    signal.signal(signal.SIGTERM, _interrupt)
    started_at = dt.datetime.now(dt.timezone.utc)
    info = machine()
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    procs = Processes()
    keep = args.keep_tmp
    print(
        f"Working folder: {tmp}  (nproc={info['nproc']}, RAM={info['ram_gb']} GB, "
        f"load average {info['loadavg_at_start']})",
        flush=True,
    )
    try:
        config_at_start = sha12(ROOT / "config.yml")
        # With BENCH_TRAIN_OURS=1 the load test uses the model just trained, so training time, latency and
        # memory all describe the same config even if someone retrains models/ meanwhile.
        train_ours_s, our_model = None, MODEL
        if os.environ.get("BENCH_TRAIN_OURS") == "1":
            train_ours_s, our_model = train_ours(procs, tmp, args.train_timeout)
        project, vanilla_train_s = prepare_vanilla(procs, tmp, args.vanilla_dir, args.train_timeout)

        print("Starting the vanilla Rasa server and ours (Rasa + action server) ...", flush=True)
        vanilla = start_vanilla(procs, project, tmp, args.startup_timeout)
        ours = start_ours(procs, tmp, args.startup_timeout, our_model)
        model_digest = sha12(tmp / "mediation.tar.gz")
        model_mtime = dt.datetime.fromtimestamp((tmp / "mediation.tar.gz").stat().st_mtime, dt.timezone.utc).isoformat(
            timespec="seconds"
        )
        for target in (vanilla, ours):
            print(f"Warming up {target.name} ({warm_up(target)} messages, not counted) ...", flush=True)
            target.rss = RssSampler(target.rasa_pid)
            if target.action_pid:
                target.action_rss = RssSampler(target.action_pid)

        order = [(vanilla, ours), (ours, vanilla)]
        for r in range(args.rounds):
            for target in order[r % 2]:
                print(
                    f"Round {r + 1}/{args.rounds}: {args.conversations} conversations against {target.name} ...",
                    flush=True,
                )
                with contextlib.ExitStack() as sampling:
                    for sampler in (target.rss, target.action_rss):
                        if sampler:
                            sampling.enter_context(sampler)
                    run_phase(target, args.conversations, args.phase_deadline, args.request_timeout)

        results = {
            "date": started_at.isoformat(timespec="seconds"),
            "command": " ".join(
                [
                    *(["BENCH_TRAIN_OURS=1"] if train_ours_s is not None else []),
                    ".venv/bin/python",
                    "scripts/bench.py",
                    *(argv or sys.argv[1:]),
                ]
            ),
            "machine": dict(info, loadavg_at_end=[round(x, 2) for x in os.getloadavg()]),
            "settings": {
                "conversations": args.conversations,
                "rounds": args.rounds,
                "messages_per_conversation": {"vanilla": len(vanilla_script(0)), "ours": len(our_script(0))},
                "warmup": "one full scripted conversation per bot, not counted",
                "phase_deadline_s": args.phase_deadline,
                "request_timeout_s": args.request_timeout,
                "model": (
                    str(MODEL.relative_to(ROOT)) if our_model == MODEL else "trained by this run (BENCH_TRAIN_OURS=1)"
                ),
                "config_sha256": config_at_start,
                "model_sha256": model_digest,
                "model_mtime": model_mtime,
            },
            "vanilla": summary(vanilla),
            "ours": summary(ours),
            "train_seconds": {
                "vanilla": None if vanilla_train_s is None else round(vanilla_train_s, 1),
                "vanilla_note": "wall time of `rasa init --no-prompt`, which trains the model",
                "ours": None if train_ours_s is None else round(train_ours_s, 1),
            },
        }
        results["checks"] = checks(results["ours"], results["vanilla"], train_ours_s)
        if sha12(ROOT / "config.yml") != config_at_start:
            results["warning"] = "config.yml changed during the run; figures may mix two configs"
            print(f"WARNING: {results['warning']}")
        print_report(results)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nWrote {args.json}")
        return 0
    except KeyboardInterrupt:
        print("\nInterrupted; stopping everything this run started.", file=sys.stderr)
        return 130
    except BaseException:
        keep = True  # the logs explain the crash
        raise
    finally:
        procs.stop_all()
        if keep:
            print(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
