"""The fault-test harness: real Kafka brokers (kafka_cluster.py), imr-stream services, faults
injected while letters stream, and the accounting of every input.

Reusable across delivery modes: every scenario takes `--mode at_least_once|exactly_once`.
The mode decides the service's flags (MODE_FLAGS), how the output topics are read (an
exactly-once run is read with isolation.level=read_committed) and what the accounting
demands (at least once: nothing lost, duplicates counted; exactly once: nothing lost and no
duplicate). The kcat, topic and service helpers are tests/integration/itlib.py's.

Each scenario prints its figures as one `# figures {...}` JSON line: inputs, outcomes, dead
letters, lost, duplicates, peak RSS of the service, recovery time and the scenario's own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))

import itlib  # noqa: E402
from itlib import Abort, Suite  # noqa: E402,F401
from kafka_cluster import Cluster  # noqa: E402

MODES = ("at_least_once", "exactly_once")
# Service flags per mode; exactly-once adds its own flag when that mode exists.
MODE_FLAGS = {"at_least_once": [], "exactly_once": ["--exactly-once"]}
# A killed or departed member must be noticed in seconds, not the default 45 s.
FAST_GROUP = ["-X", "consumer:session.timeout.ms=6000", "-X", "consumer:heartbeat.interval.ms=500"]


# ---------------------------------------------------------------------------------------------
# environment


@dataclass
class FaultEnv:
    name: str
    mode: str
    it: itlib.Env  # kcat, topics' data, services: bound to `cluster`
    cluster: Cluster
    letters: int
    args: argparse.Namespace

    @property
    def exactly_once(self) -> bool:
        return self.mode == "exactly_once"

    def service(self, label: str, group: str, topics: "Topics", extra: Iterable[str] = (),
                brokers: str | None = None) -> "Service":
        """Starts `imr-stream run` in this mode (on `brokers` instead of the cluster's if given)."""
        port = itlib.free_port()
        args = [self.it.imr_stream, "run", "--brokers", brokers or self.it.brokers, "--group", group,
                "--input-topic", topics.input, "--outcomes-topic", topics.outcomes, "--dlq-topic", topics.dlq,
                "--metrics-address", f"127.0.0.1:{port}", *MODE_FLAGS[self.mode], *extra]
        return Service.adopt(itlib.Service(label, args, self.it.work_dir / f"{label}.log", port))

    def topics(self, input_partitions: int = 6, output_configs: dict[str, str] | None = None,
               replication: int | None = None) -> "Topics":
        t = Topics(self.it.topic("in"), self.it.topic("out"), self.it.topic("dlq"))
        self.cluster.create_topics([(t.input, input_partitions)], replication=replication)
        self.cluster.create_topics([(t.outcomes, 3), (t.dlq, 2)], replication=replication, configs=output_configs)
        return t

    def read(self, topic: str, at_least: int = 0, timeout: float = 30) -> list[itlib.Record]:
        """The whole topic; committed records only in exactly-once mode."""
        extra = ["-X", "isolation.level=read_committed"] if self.exactly_once else []
        deadline = time.monotonic() + timeout
        while True:
            out = itlib.run_checked(self.it.kcat("-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f",
                                                 itlib.RECORD_FORMAT, "-X", "fetch.message.max.bytes=26214400",
                                                 *extra), timeout=timeout + 60)
            records = itlib.parse_records(out)
            if len(records) >= at_least or time.monotonic() >= deadline:
                return records
            time.sleep(0.5)


@dataclass
class Topics:
    input: str
    outcomes: str
    dlq: str


def parse_args(name: str, extra: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=f"imr-stream fault scenario {name}")
    p.add_argument("--imr-stream", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--work-dir", required=True)
    p.add_argument("--mode", choices=MODES, default="at_least_once")
    p.add_argument("--cluster-dir", required=True, help="state dir of the broker(s)")
    p.add_argument("--cluster-port", type=int, required=True, help="base port of the broker(s)")
    p.add_argument("--nodes", type=int, default=1)
    p.add_argument("--start-cluster", action="store_true",
                   help="start (and at the end stop and delete) the cluster here instead of using a running one")
    p.add_argument("--letters", type=int, default=2000, help="letters in the stream")
    if extra:
        extra(p)
    return p.parse_args()


def run(name: str, body: Callable[[FaultEnv, Suite], None],
        extra_args: Callable[[argparse.ArgumentParser], None] | None = None) -> None:
    """Parses the arguments, binds the broker(s), runs `body`, cleans up, exits with the status."""
    a = parse_args(name, extra_args)
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    work = Path(a.work_dir) / f"{name}-{a.mode}-{token}"
    work.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(Path(a.cluster_dir), a.cluster_port, a.nodes)
    cluster.load_sasl()
    it = itlib.Env(name=name, imr_stream=a.imr_stream, brokers=cluster.bootstrap, kafka_local="",
                   kafka_port=str(a.cluster_port), kafka_state_dir=a.cluster_dir, corpus=Path(a.corpus),
                   work_dir=work, token=token)
    env = FaultEnv(name, a.mode, it, cluster, a.letters, a)
    suite = Suite(f"{name} ({a.mode})")
    try:
        if a.start_cluster:
            t0 = time.monotonic()
            cluster.start(timeout=240)
            suite.info(f"{a.nodes}-node cluster up at {cluster.bootstrap} in {time.monotonic() - t0:.0f}s")
        body(env, suite)
    except Abort as e:
        suite.check(False, "scenario completed", str(e))
    except Exception as e:  # noqa: BLE001 - a defect of the test or an unexpected tool failure
        import traceback

        traceback.print_exc()
        suite.check(False, "scenario completed", f"{type(e).__name__}: {e}")
    finally:
        itlib.cleanup_children()
        for i in range(cluster.nodes):  # a scenario that paused or stopped a node leaves it running
            if cluster.pid(i):
                cluster.signal_node(i, 18)  # SIGCONT
        if a.start_cluster:
            cluster.stop(delete=True)
        else:
            for i in range(cluster.nodes):
                if cluster.pid(i) is None:
                    cluster.start_node(i)
    code = suite.finish()
    if code == 0:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"# logs: {work}", flush=True)
    sys.exit(code)


# ---------------------------------------------------------------------------------------------
# inputs


def letter_stream(env: FaultEnv, count: int, pdf_every: int = 10) -> list[tuple[str, bytes]]:
    """`count` letters with unique keys: the seed texts, and every `pdf_every`-th a corpus PDF."""
    texts = [f.read_bytes() for f in env.it.text_letters()]
    pdfs = [f.read_bytes() for f in sorted((env.it.corpus / "dwc-2016-2017").glob("*.pdf"))]
    if not texts or not pdfs:
        raise Abort(f"no corpus letters under {env.it.corpus}")
    out = []
    for i in range(count):
        body = pdfs[(i // pdf_every) % len(pdfs)] if pdf_every and i % pdf_every == pdf_every - 1 else texts[i % len(texts)]
        out.append((f"L{i:06d}", body))
    return out


def produce(env: FaultEnv, topic: str, records: list[tuple[str, bytes]], chunk: int = 2000) -> None:
    for i in range(0, len(records), chunk):
        env.it.produce(topic, records[i:i + chunk])


def input_positions(env: FaultEnv, topic: str, expected: int) -> dict[tuple[int, int], str]:
    inputs = env.it.read_topic(topic, at_least=expected, timeout=60)
    pos = {(r.partition, r.offset): r.key_text for r in inputs}
    if len(pos) != expected:
        raise Abort(f"input topic holds {len(pos)} records, {expected} produced")
    return pos


# ---------------------------------------------------------------------------------------------
# accounting


def source_of(record: itlib.Record, kind: str) -> tuple[int, int] | None:
    try:
        if kind == "outcome":
            src = json.loads(record.value)["source"]
            return int(src["partition"]), int(src["offset"])
        return int(record.headers["imr.source.partition"]), int(record.headers["imr.source.offset"])
    except (KeyError, TypeError, ValueError):
        return None


@dataclass
class Accounting:
    inputs: int
    outcomes: int
    dead_letters: int
    lost: int
    duplicates: int
    unknown: int  # output records that name no input of the stream
    lost_sample: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "lost_sample"}


def account(inputs: dict[tuple[int, int], str], outcomes: list[itlib.Record],
            dead: list[itlib.Record]) -> Accounting:
    seen: Counter = Counter()
    unknown = 0
    for records, kind in ((outcomes, "outcome"), (dead, "dead_letter")):
        for r in records:
            pos = source_of(r, kind)
            if pos is None or pos not in inputs:
                unknown += 1
            else:
                seen[pos] += 1
    lost = [p for p in inputs if p not in seen]
    return Accounting(len(inputs), len(outcomes), len(dead), len(lost),
                      sum(c - 1 for c in seen.values()), unknown, sorted(lost)[:5])


def covered_count(inputs: dict, outcomes: itlib.TopicTail, dead: itlib.TopicTail) -> int:
    seen = set()
    for r in outcomes.records:
        p = source_of(r, "outcome")
        if p in inputs:
            seen.add(p)
    for r in dead.records:
        p = source_of(r, "dead_letter")
        if p in inputs:
            seen.add(p)
    return len(seen)


class Progress:
    """Counts inputs covered by an outcome or a dead letter while the services run, from
    background tails of the output topics (read uncommitted: progress only, never the proof)."""

    def __init__(self, env: FaultEnv, topics: Topics, inputs: dict):
        self.env = env
        self.inputs = inputs
        self.outcomes = env.it.tail(topics.outcomes)
        self.dead = env.it.tail(topics.dlq)
        self._seen: set = set()
        self._done = {"o": 0, "d": 0}

    def _revive(self) -> None:
        """kcat gives up when the broker is gone for long: start it again from the beginning."""
        for attr, key in (("outcomes", "o"), ("dead", "d")):
            tail = getattr(self, attr)
            if tail._proc.poll() is not None:
                tail.stop()
                setattr(self, attr, self.env.it.tail(tail.topic))
                self._done[key] = 0

    def covered(self) -> int:
        self._revive()
        out, dead = self.outcomes.records, self.dead.records
        for r in out[self._done["o"]:]:
            p = source_of(r, "outcome")
            if p in self.inputs:
                self._seen.add(p)
        for r in dead[self._done["d"]:]:
            p = source_of(r, "dead_letter")
            if p in self.inputs:
                self._seen.add(p)
        self._done = {"o": len(out), "d": len(dead)}
        return len(self._seen)

    def wait_for(self, n: int, timeout: float, alive: Callable[[], bool] = lambda: True) -> bool:
        return itlib.wait_until(lambda: self.covered() >= n or not alive(), timeout, 0.3) and self.covered() >= n

    def stop(self) -> None:
        self.outcomes.stop()
        self.dead.stop()


def verify(env: FaultEnv, t: Suite, topics: Topics, inputs: dict, figures: dict) -> Accounting:
    """Reads both output topics in full (committed only in exactly-once mode) and checks that
    every input has an outcome or a dead letter; duplicates are counted (and must be zero in
    exactly-once mode). Prints the figures."""
    outcomes = env.read(topics.outcomes)
    dead = env.read(topics.dlq)
    acc = account(inputs, outcomes, dead)
    figures = {**acc.as_dict(), **figures}
    print("# figures " + json.dumps(figures), flush=True)
    t.check(acc.lost == 0, f"nothing lost: every one of {acc.inputs} inputs has an outcome or a dead letter",
            f"{acc.lost} lost, e.g. {acc.lost_sample}")
    t.check(acc.unknown == 0, "every output record names an input of the stream", f"{acc.unknown} do not")
    if env.exactly_once:
        t.check(acc.duplicates == 0, "exactly once: no duplicate", f"{acc.duplicates} duplicates")
    else:
        t.info(f"at least once: {acc.duplicates} duplicates")
    return acc


# ---------------------------------------------------------------------------------------------
# services


class Service(itlib.Service):
    """itlib.Service plus its peak RSS (VmHWM, sampled while it runs) and HTTP bodies."""

    peak_rss_kib = 0

    @classmethod
    def adopt(cls, svc: itlib.Service) -> "Service":
        svc.__class__ = cls
        svc._sampler = threading.Thread(target=svc._sample, daemon=True)
        svc._sampler.start()
        return svc

    def _sample(self) -> None:
        while self.running():
            self.sample_rss()
            time.sleep(0.25)

    def sample_rss(self) -> None:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_rss_kib = max(self.peak_rss_kib, int(line.split()[1]))
        except (OSError, ValueError):
            pass

    def get(self, path: str, timeout: float = 3) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}{path}", timeout=timeout) as r:
                return r.status, r.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")
        except OSError as e:
            return 0, str(e)

    def metric(self, name: str, labels: str = "") -> float:
        """Sum of the samples of `name` whose label text contains `labels` (0 when absent)."""
        code, body = self.get("/metrics")
        if code != 200:
            return 0.0
        total = 0.0
        for line in body.splitlines():
            m = re.match(rf"^{re.escape(name)}(\{{[^}}]*\}})?\s+(\S+)$", line)
            if m and labels in (m.group(1) or ""):
                total += float(m.group(2))
        return total

    def log_text(self) -> str:
        return self.log_path.read_bytes().decode(errors="replace")


def peak_rss_mib(services: Iterable[Service]) -> float:
    peak = 0
    for s in services:
        s.sample_rss()
        peak = max(peak, s.peak_rss_kib)
    return round(peak / 1024, 1)


class Watcher:
    """Polls a service's /readyz and chosen metrics in the background; keeps what it saw."""

    def __init__(self, svc: Service, metrics: Iterable[str] = (), interval: float = 0.5):
        self.svc = svc
        self.metrics = list(metrics)
        self.samples: list[tuple[float, int, str, dict]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    def _run(self, interval: float) -> None:
        while not self._stop.is_set() and self.svc.running():
            code, why = self.svc.get("/readyz")
            values = {m: self.svc.metric(m) for m in self.metrics}
            self.samples.append((time.monotonic(), code, why.strip(), values))
            self._stop.wait(interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def not_ready(self, since: float = 0.0) -> list[str]:
        return [why for ts, code, why, _ in self.samples if ts >= since and code == 503]

    def max_of(self, metric: str) -> float:
        return max((v.get(metric, 0.0) for *_, v in self.samples), default=0.0)


@dataclass
class Stream:
    """A scenario's letters on the broker: topics, input positions, progress, seeded randomness."""
    topics: Topics
    inputs: dict
    progress: Progress
    rng: random.Random
    seed: int

    @property
    def total(self) -> int:
        return len(self.inputs)


def letters_on_broker(env: FaultEnv, t: Suite, input_partitions: int = 6, seed: int | None = None,
                      **topic_args) -> Stream:
    """Creates the topics, produces env.letters letters, reads their positions back and
    starts following the output topics. The seed (printed) makes a failure reproducible."""
    seed = seed if seed is not None else random.randrange(1 << 30)
    t.info(f"seed {seed}")
    topics = env.topics(input_partitions=input_partitions, **topic_args)
    letters = letter_stream(env, env.letters)
    produce(env, topics.input, letters)
    inputs = input_positions(env, topics.input, len(letters))
    return Stream(topics, inputs, Progress(env, topics, inputs), random.Random(seed), seed)


def random_moments(rng: random.Random, count: int, low: float, high: float) -> list[float]:
    return sorted(rng.uniform(low, high) for _ in range(count))
