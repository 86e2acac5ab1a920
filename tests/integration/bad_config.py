#!/usr/bin/env python3
"""Scenario bad_config: `imr-stream run` with a bad setting exits 2 at once, with a message on
stderr naming the setting, and never crashes (exit code < 128) or hangs.

The three settings of the brief (--max-in-flight 0, --metrics-address nonsense,
-X consumer:no.such.property=1) plus the other ways a setting reaches the service: an IMR_*
variable, a config file, -X syntax, a producer property, a metrics port already in use.
"""

import os
import socket
import subprocess
import time

import itlib
from itlib import Env, Suite

EXIT_TIMEOUT = 20  # seconds; a bad setting must never leave the service running


def main(env: Env, t: Suite) -> None:
    in_topic, out_topic, dlq_topic = env.topic("in"), env.topic("out"), env.topic("dlq")
    base = ["--brokers", env.brokers, "--group", env.group(), "--input-topic", in_topic,
            "--outcomes-topic", out_topic, "--dlq-topic", dlq_topic]
    metrics = ["--metrics-address", f"127.0.0.1:{itlib.free_port()}"]

    busy = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    busy_port = busy.getsockname()[1]

    config_file = env.work_dir / "bad.conf"
    config_file.write_text("# a config file with a typo\ngroup = it-bad-config\nmax-inflight = 10\n")

    # (name, extra args, extra environment, text stderr must contain)
    cases = [
        ("max-in-flight 0", ["--max-in-flight", "0", *metrics], {}, "--max-in-flight"),
        ("metrics-address nonsense", ["--metrics-address", "nonsense"], {}, "--metrics-address"),
        ("unknown consumer property", ["-X", "consumer:no.such.property=1", *metrics], {}, "no.such.property"),
        ("bad producer property value", ["-X", "producer:message.max.bytes=abc", *metrics], {}, "message.max.bytes"),
        ("-X without key=value", ["-X", "nokey", *metrics], {}, "nokey"),
        ("workers -1", ["--workers", "-1", *metrics], {}, "--workers"),
        ("log-level loud", ["--log-level", "loud", *metrics], {}, "--log-level"),
        ("vocabulary not a directory", ["--vocabulary", str(env.work_dir / "missing"), *metrics], {}, "--vocabulary"),
        ("IMR_MAX_IN_FLIGHT=abc", [*metrics], {"IMR_MAX_IN_FLIGHT": "abc"}, "IMR_MAX_IN_FLIGHT"),
        ("IMR_POLL_BATCH=0", [*metrics], {"IMR_POLL_BATCH": "0"}, "IMR_POLL_BATCH"),
        ("config file with an unknown setting", ["--config", str(config_file), *metrics], {}, "max-inflight"),
        ("exactly-once without a transactional.id", ["--exactly-once", *metrics], {}, "--transactional-id"),
        ("exactly-once with cooperative-sticky",
         ["--exactly-once", "--transactional-id", "t1", "-X",
          "consumer:partition.assignment.strategy=cooperative-sticky", *metrics], {}, "partition.assignment.strategy"),
        ("IMR_EXACTLY_ONCE=maybe", [*metrics], {"IMR_EXACTLY_ONCE": "maybe"}, "IMR_EXACTLY_ONCE"),
        ("-X transactional.id", ["-X", "producer:transactional.id=t1", *metrics], {}, "transactional.id"),
        ("metrics port already in use", ["--metrics-address", f"127.0.0.1:{busy_port}"], {}, f"metrics on 127.0.0.1:{busy_port}"),
    ]
    try:
        for name, extra, environment, must_name in cases:
            proc_env = {k: v for k, v in os.environ.items() if not k.startswith("IMR_")}
            proc_env.update(environment)
            t0 = time.monotonic()
            proc = itlib.spawn([env.imr_stream, "run", *base, *extra], env=proc_env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                out, err = proc.communicate(timeout=EXIT_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                t.check(False, f"{name}: exits", f"still running after {EXIT_TIMEOUT}s")
                continue
            took = time.monotonic() - t0
            code = proc.returncode
            message = err.decode(errors="replace").strip()
            t.check(0 <= code < 128, f"{name}: no crash", f"exit {code}")
            t.check(code == 2, f"{name}: exit code 2", f"exit {code}")
            t.check(must_name in message, f"{name}: stderr names {must_name!r} ({took:.1f}s)",
                    f"stderr: {message[:300]!r}")
    finally:
        busy.close()


if __name__ == "__main__":
    itlib.run_scenario("bad_config", main)
