"""Shared helpers for the imr-stream integration scenarios (Python 3 standard library only).

Every scenario runs against a real Kafka broker (scripts/kafka-local, started by the ctest
fixture integration.broker_start) and drives it with kcat as the independent client:

  * topics are created with `scripts/kafka-local create-topic` under unique names, so that
    scenarios never see each other's data (and reruns never see older runs' data);
  * records are produced with `kcat -P` and read back with `kcat -C` in a framed format
    (lengths first), so binary keys, values and headers survive intact;
  * `imr-stream run` processes are children of the scenario; they are killed on every exit
    path (atexit, SIGTERM/SIGINT/SIGHUP handlers, and PR_SET_PDEATHSIG if the script dies).

Letter text is never printed: failures report keys, offsets, sizes, hashes and field names.
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

# ---------------------------------------------------------------------------------------------
# results


class Suite:
    """Counts checks; prints one line per check and a final `N passed, M failed`."""

    def __init__(self, name: str):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.started = time.monotonic()

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        if ok:
            self.passed += 1
            print(f"ok   - {what}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL - {what}" + (f": {detail}" if detail else ""), flush=True)
        return ok

    def info(self, text: str) -> None:
        print(f"# {text}", flush=True)

    def finish(self) -> int:
        elapsed = time.monotonic() - self.started
        self.info(f"{self.name}: {elapsed:.1f}s")
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        return 0 if self.failed == 0 and self.passed > 0 else 1


class Abort(Exception):
    """A scenario cannot continue (a precondition failed); counted as one failure."""


def run_scenario(name: str, body: Callable[["Env", Suite], None]) -> None:
    """Parses the common arguments, runs `body`, cleans up, exits with the suite's status."""
    env = Env.from_args(name)
    suite = Suite(name)
    code = 1
    try:
        body(env, suite)
    except Abort as e:
        suite.check(False, "scenario completed", str(e))
    except Exception as e:  # a defect of the test itself or an unexpected tool failure
        import traceback

        traceback.print_exc()
        suite.check(False, "scenario completed", f"{type(e).__name__}: {e}")
    finally:
        cleanup_children()
        code = suite.finish()
    if code == 0:
        shutil.rmtree(env.work_dir, ignore_errors=True)  # logs are kept only when something failed
    else:
        print(f"# logs: {env.work_dir}", flush=True)
    sys.exit(code)


# ---------------------------------------------------------------------------------------------
# child processes: always cleaned up

_children: list[subprocess.Popen] = []
_children_lock = threading.Lock()

# setpriv (util-linux) sets PR_SET_PDEATHSIG before exec'ing the command: the child gets SIGKILL
# when this script dies, even by SIGKILL (a preexec_fn would do the same but is unsafe with threads).
_SETPRIV = shutil.which("setpriv")


def spawn(args: list[str], **kwargs) -> subprocess.Popen:
    if _SETPRIV:
        args = [_SETPRIV, "--pdeathsig", "KILL", "--", *args]
    proc = subprocess.Popen(args, **kwargs)
    with _children_lock:
        _children.append(proc)
    return proc


def cleanup_children() -> None:
    with _children_lock:
        procs = list(_children)
        _children.clear()
    for proc in procs:
        if proc.poll() is None:
            try:
                proc.kill()
            except OSError:
                pass
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def _on_signal(signum, _frame):
    cleanup_children()
    print(f"# interrupted by signal {signum}", flush=True)
    os._exit(128 + signum)


atexit.register(cleanup_children)
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def sha256(data: bytes | None) -> str:
    return "NULL" if data is None else hashlib.sha256(data).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# environment


@dataclass
class Env:
    name: str
    imr_stream: str
    brokers: str
    kafka_local: str
    kafka_port: str
    kafka_state_dir: str
    corpus: Path
    work_dir: Path
    token: str

    @staticmethod
    def from_args(name: str) -> "Env":
        p = argparse.ArgumentParser(description=f"imr-stream integration scenario {name}")
        p.add_argument("--imr-stream", required=True, help="the imr-stream binary")
        p.add_argument("--kafka-local", required=True, help="scripts/kafka-local")
        p.add_argument("--kafka-port", default=os.environ.get("IMR_KAFKA_PORT", "39092"))
        p.add_argument("--kafka-state-dir", default=os.environ.get("IMR_KAFKA_STATE_DIR", "/tmp/kafka-it"))
        p.add_argument("--corpus", required=True, help="the shared corpus dir (seeds/, dwc-2016-2017/)")
        p.add_argument("--work-dir", required=True, help="where logs and scratch files go")
        a = p.parse_args()
        token = f"{os.getpid()}-{secrets.token_hex(4)}"
        work = Path(a.work_dir) / f"{name}-{token}"
        work.mkdir(parents=True, exist_ok=True)
        return Env(name=name, imr_stream=a.imr_stream, brokers=f"127.0.0.1:{a.kafka_port}",
                   kafka_local=a.kafka_local, kafka_port=str(a.kafka_port),
                   kafka_state_dir=a.kafka_state_dir, corpus=Path(a.corpus), work_dir=work, token=token)

    # unique names -----------------------------------------------------------------------
    def topic(self, role: str) -> str:
        return f"it.{self.name}.{self.token}.{role}"

    def group(self, role: str = "g") -> str:
        return f"it.{self.name}.{self.token}.{role}"

    # corpus ---------------------------------------------------------------------------
    def corpus_files(self) -> list[Path]:
        files = sorted((self.corpus / "seeds").glob("*.txt")) + sorted((self.corpus / "dwc-2016-2017").glob("*.pdf"))
        if not files:
            raise Abort(f"no corpus letters under {self.corpus}")
        return files

    def text_letters(self) -> list[Path]:
        return sorted((self.corpus / "seeds").glob("*.txt"))

    # broker -------------------------------------------------------------------------------
    def kafka_env(self) -> dict:
        e = dict(os.environ)
        e["IMR_KAFKA_PORT"] = self.kafka_port
        e["IMR_KAFKA_STATE_DIR"] = self.kafka_state_dir
        return e

    def create_topics(self, topics: Iterable[tuple[str, int]]) -> None:
        """Creates the topics in parallel (each create-topic call starts a JVM)."""
        procs = []
        for name, partitions in topics:
            procs.append((name, spawn([self.kafka_local, "create-topic", name, str(partitions)],
                                      env=self.kafka_env(), stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT)))
        for name, proc in procs:
            out, _ = proc.communicate(timeout=120)
            if proc.returncode != 0:
                raise Abort(f"create-topic {name} failed: {out.decode(errors='replace').strip()}")

    # kcat ---------------------------------------------------------------------------------
    def kcat(self, *args: str) -> list[str]:
        return ["kcat", "-b", self.brokers, *args]

    def produce(self, topic: str, records: list[tuple[str | None, bytes]], null_empty: bool = False,
                extra: Iterable[str] = ()) -> None:
        """Produces (key, value) records in one kcat call, in order. Records are framed with a
        random delimiter that occurs in none of them; keys must not contain the key delimiter."""
        key_delim = b"\x1f\x1d"
        while True:
            # no NUL: kcat reads -D as a C string, and a NUL would cut the delimiter short
            # (records containing the prefix were then split in two)
            delim = b"\x1e" + bytes(1 + secrets.randbelow(255) for _ in range(6)) + b"\x1e"
            if all(delim not in v and delim not in (k or "").encode() for k, v in records):
                break
        parts = []
        for key, value in records:
            k = (key or "").encode()
            if key_delim in k:
                raise ValueError("key contains the key delimiter")
            parts.append(k + key_delim + value)
        payload = delim.join(parts)
        path = self.work_dir / f"produce-{secrets.token_hex(4)}.bin"
        path.write_bytes(payload)
        try:
            esc = lambda b: "".join(f"\\x{c:02x}" for c in b)  # noqa: E731
            # Idempotent: a retry under load must not write an input twice (the scenarios count
            # inputs by position).
            args = self.kcat("-P", "-t", topic, "-D", esc(delim), "-K", esc(key_delim),
                             "-X", "message.max.bytes=26214400", "-X", "enable.idempotence=true",
                             *(["-Z"] if null_empty else []),
                             *extra, "-l", str(path))
            run_checked(args, timeout=120)
        finally:
            path.unlink(missing_ok=True)

    def produce_file(self, topic: str, key: str, path: Path, partition: int | None = None) -> None:
        """Produces the whole file as one message (kcat -P -k KEY FILE)."""
        args = self.kcat("-P", "-t", topic, "-k", key, "-X", "message.max.bytes=26214400",
                         *(["-p", str(partition)] if partition is not None else []), str(path))
        run_checked(args, timeout=60)

    def read_topic(self, topic: str, at_least: int = 0, timeout: float = 30) -> list["Record"]:
        """Reads the whole topic (kcat -e); retries until it holds at least `at_least` records."""
        deadline = time.monotonic() + timeout
        while True:
            out = run_checked(self.kcat("-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", RECORD_FORMAT,
                                        "-X", "fetch.message.max.bytes=26214400"), timeout=timeout + 30)
            records = parse_records(out)
            if len(records) >= at_least or time.monotonic() >= deadline:
                return records
            time.sleep(0.3)

    def tail(self, topic: str) -> "TopicTail":
        return TopicTail(self, topic)

    # imr-stream ------------------------------------------------------------------------
    def service(self, label: str, group: str, input_topic: str, outcomes_topic: str, dlq_topic: str,
                extra: Iterable[str] = ()) -> "Service":
        port = free_port()
        args = [self.imr_stream, "run", "--brokers", self.brokers, "--group", group,
                "--input-topic", input_topic, "--outcomes-topic", outcomes_topic, "--dlq-topic", dlq_topic,
                "--metrics-address", f"127.0.0.1:{port}", *extra]
        return Service(label, args, self.work_dir / f"{label}.log", port)


def run_checked(args: list[str], timeout: float, input: bytes | None = None) -> bytes:
    proc = spawn(args, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(input=input, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise Abort(f"timed out after {timeout}s: {' '.join(args[:6])} ...")
    if proc.returncode != 0:
        raise Abort(f"exit {proc.returncode}: {' '.join(args[:6])} ...: {err.decode(errors='replace').strip()[:500]}")
    return out


# ---------------------------------------------------------------------------------------------
# records

# One record: a text line "partition offset keylen valuelen timestamp", the headers (kcat's
# "n=v,n=v") ended by \x1f\x1e\n, then the raw key and value bytes (lengths -1 mean NULL).
RECORD_FORMAT = "%p\\t%o\\t%K\\t%S\\t%T\\n%h\\x1f\\x1e\\n%k%s"
_HEADERS_END = b"\x1f\x1e\n"


@dataclass
class Record:
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp: int
    headers: dict = field(default_factory=dict)

    @property
    def key_text(self) -> str | None:
        return None if self.key is None else self.key.decode("utf-8", errors="replace")

    def json(self) -> dict:
        return json.loads(self.value)


def parse_headers(text: bytes) -> dict:
    """kcat prints headers as n=v,n=v; values may contain commas (error messages), so a piece
    that does not start with a header name continues the previous value."""
    out: dict[str, str] = {}
    last = None
    if not text:
        return out
    for piece in text.decode("utf-8", errors="replace").split(","):
        name, eq, value = piece.partition("=")
        if eq and name and all(c.isalnum() or c in "._-" for c in name) and (name.startswith(("imr.", "it.")) or name == "content-type" or last is None):
            out[name] = value
            last = name
        elif last is not None:
            out[last] += "," + piece
    return out


def _read_record(stream) -> Record | None:
    line = stream.readline()
    if not line:
        return None
    p, o, klen, vlen, ts = line.rstrip(b"\n").split(b"\t")
    head = b""
    while not head.endswith(_HEADERS_END):
        chunk = stream.readline()
        if not chunk:
            raise EOFError("truncated record headers")
        head += chunk
    head = head[: -len(_HEADERS_END)]
    klen, vlen = int(klen), int(vlen)
    key = stream.read(klen) if klen >= 0 else None
    value = stream.read(vlen) if vlen >= 0 else None
    if (key is not None and len(key) != klen) or (value is not None and len(value) != vlen):
        raise EOFError("truncated record")
    return Record(int(p), int(o), key, value, int(ts), parse_headers(head))


def parse_records(data: bytes) -> list[Record]:
    import io

    stream = io.BufferedReader(io.BytesIO(data))
    out = []
    while (r := _read_record(stream)) is not None:
        out.append(r)
    return out


class TopicTail:
    """A background `kcat -C` from the beginning of a topic; records arrive in `records`."""

    def __init__(self, env: Env, topic: str):
        self.topic = topic
        self._lock = threading.Lock()
        self._records: list[Record] = []
        self.error: str | None = None
        self._proc = spawn(env.kcat("-C", "-t", topic, "-o", "beginning", "-q", "-u", "-f", RECORD_FORMAT,
                                    "-X", "fetch.message.max.bytes=26214400"),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while (r := _read_record(self._proc.stdout)) is not None:
                with self._lock:
                    self._records.append(r)
        except Exception as e:  # noqa: BLE001
            self.error = f"{type(e).__name__}: {e}"

    @property
    def records(self) -> list[Record]:
        with self._lock:
            return list(self._records)

    def count(self) -> int:
        with self._lock:
            return len(self._records)

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait(timeout=10)
        self._thread.join(timeout=10)


# ---------------------------------------------------------------------------------------------
# imr-stream run


class Service:
    """One `imr-stream run` process; stdout and stderr (JSON log lines) go to a file."""

    def __init__(self, label: str, args: list[str], log_path: Path, metrics_port: int):
        self.label = label
        self.args = args
        self.log_path = log_path
        self.metrics_port = metrics_port
        self._log = open(log_path, "ab")
        self.proc = spawn(args, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)
        self.started = time.monotonic()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def running(self) -> bool:
        return self.proc.poll() is None

    def signal(self, sig: int) -> None:
        if self.running():
            self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int | None:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout: float = 40) -> int | None:
        """SIGTERM, wait; SIGKILL if it does not exit in time (then returns None)."""
        self.signal(signal.SIGTERM)
        code = self.wait(timeout)
        if code is None:
            self.proc.kill()
            self.proc.wait()
        return code

    def events(self) -> list[dict]:
        out = []
        for line in self.log_path.read_bytes().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"level": "raw", "event": "non_json_line", "line": line[:300].decode(errors="replace")})
        return out

    def has_event(self, name: str) -> bool:
        return any(e.get("event") == name for e in self.events())

    def wait_event(self, name: str, timeout: float) -> bool:
        return wait_until(lambda: self.has_event(name) or not self.running(), timeout) and self.has_event(name)

    def problems(self, allowed: Iterable[str] = ()) -> list[dict]:
        """Log lines at error level, or non-JSON lines, whose event is not in `allowed`."""
        allowed = set(allowed)
        return [e for e in self.events()
                if e.get("level") in ("error", "raw") and e.get("event") not in allowed]

    def http_get(self, path: str, timeout: float = 3) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}{path}", timeout=timeout) as r:
                return r.status, r.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, ""
        except OSError as e:
            return 0, str(e)


def corpus_backlog(env: Env, t: Suite, rounds: int) -> tuple[str, str, str, set]:
    """Fresh input (3 partitions), outcomes (3) and dead-letter (1) topics, with the corpus published
    `rounds` times to the input. Returns the three topics and the inputs' (partition, offset) set."""
    in_topic, out_topic, dlq_topic = env.topic("in"), env.topic("out"), env.topic("dlq")
    env.create_topics([(in_topic, 3), (out_topic, 3), (dlq_topic, 1)])
    files = env.corpus_files()
    records = [(f"r{r}-{f.name}", f.read_bytes()) for r in range(rounds) for f in files]
    env.produce(in_topic, records)
    positions = {(r.partition, r.offset) for r in env.read_topic(in_topic, at_least=len(records))}
    t.check(len(positions) == len(records), f"input topic holds the {len(records)} letters")
    return in_topic, out_topic, dlq_topic, positions


def summarize_events(events: list[dict], limit: int = 5) -> str:
    return "; ".join(json.dumps({k: v for k, v in e.items() if k != "ts"})[:300] for e in events[:limit])


def strip_source(outcome: dict) -> dict:
    """The outcome without what depends on where the document came from."""
    return {k: v for k, v in outcome.items() if k not in ("source", "document_id")}


def classify_offline(env: Env, files: list[Path]) -> list[dict]:
    """`imr-stream classify FILE...`: one JSON line per input, in input order."""
    proc = spawn([env.imr_stream, "classify", *map(str, files)], stdin=subprocess.DEVNULL,
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, _ = proc.communicate(timeout=120)
    lines = out.decode().splitlines()
    if len(lines) != len(files):
        raise Abort(f"imr-stream classify gave {len(lines)} lines for {len(files)} files (exit {proc.returncode})")
    return [json.loads(line) for line in lines]


def first_diff(a, b, path: str = "") -> str:
    """A short description of the first difference between two JSON values (field path only)."""
    if type(a) is not type(b):
        return f"{path or '/'}: type {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}/{k}: present only in {'stream' if k in a else 'classify'}"
            d = first_diff(a[k], b[k], f"{path}/{k}")
            if d:
                return d
        return ""
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} elements"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, f"{path}/{i}")
            if d:
                return d
        return ""
    return "" if a == b else f"{path}: values differ"
