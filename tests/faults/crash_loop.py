#!/usr/bin/env python3
"""Fault crash_loop: a stream of letters (texts and every tenth a PDF) is processed by a service
that is SIGKILLed five times at random moments (random fractions of the stream, seed printed)
and restarted at once each time. Nothing may be lost; duplicates are counted (at least once) or
must be zero (exactly once). Figures: recovery time from each restart to the next progress.
"""

import signal
import time

import faultlib
import itlib
from faultlib import Abort, FaultEnv, Suite

KILLS = 5
FLAGS = ["--workers", "2", "--statistics-interval-ms", "1000", *faultlib.FAST_GROUP]


def main(env: FaultEnv, t: Suite) -> None:
    stream = faultlib.letters_on_broker(env, t, 6, env.args.seed)
    topics, inputs, total, progress, rng = stream.topics, stream.inputs, stream.total, stream.progress, stream.rng
    group = env.it.group()
    services = [env.service("run-0", group, topics, FLAGS)]
    recoveries = []
    started = time.monotonic()
    for n, fraction in enumerate(faultlib.random_moments(rng, KILLS, 0.05, 0.9), start=1):
        svc = services[-1]
        if not progress.wait_for(int(total * fraction), 240, svc.running):
            raise Abort(f"no progress to {fraction:.0%} before kill {n} (service running: {svc.running()})")
        time.sleep(rng.uniform(0, 0.5))
        svc.sample_rss()
        svc.signal(signal.SIGKILL)
        svc.wait(10)
        at_kill = progress.covered()
        t.info(f"kill {n} at {at_kill}/{total} inputs")
        restarted = time.monotonic()
        services.append(env.service(f"run-{n}", group, topics, FLAGS))
        # A fast service may have covered every input before this kill: then there is no
        # further progress to wait for (waiting would only run into the test's timeout).
        if at_kill < total and progress.wait_for(at_kill + 1, 120, services[-1].running):
            recoveries.append(time.monotonic() - restarted)
    last = services[-1]
    done = progress.wait_for(total, 300, last.running)
    elapsed = time.monotonic() - started
    t.check(done, f"every input accounted for after {KILLS} SIGKILLs ({elapsed:.0f}s)",
            f"{progress.covered()}/{total}")
    peak = faultlib.peak_rss_mib(services)
    # The last one may have been started just now, with nothing left to do: stop it once it runs,
    # as the check below is about a graceful stop, not about a signal during process start-up.
    last.wait_event("service_started", 60)
    code = last.stop()
    t.check(code == 0, "the last service exits 0 on SIGTERM", f"exit {code}")
    progress.stop()
    t.check(not last.problems(), "no error in the last service's log", itlib.summarize_events(last.problems()))
    faultlib.verify(env, t, topics, inputs, {
        "peak_rss_mib": peak, "kills": KILLS, "seed": stream.seed, "elapsed_s": round(elapsed, 1),
        "recovery_s": round(max(recoveries), 1) if recoveries else None,
        "recovery_mean_s": round(sum(recoveries) / len(recoveries), 1) if recoveries else None,
        "letters_per_s": round(total / elapsed, 1)})


def args(p) -> None:
    p.add_argument("--seed", type=int, default=None)


if __name__ == "__main__":
    faultlib.run("crash_loop", main, args)
