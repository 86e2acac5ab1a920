#!/usr/bin/env python3
"""Fault auth_failures: a SASL_SSL (PLAIN) listener whose certificates the test's broker got from
openssl (kafka_cluster.Tls). Wrong credentials and an untrusted CA must stop the service within
seconds, with exit code 1 and a message that says what is wrong, and no secret in any log
(issue 7, defect 5). Old code: the error is logged and the service runs on for ever.

  control        right password, right CA     -> ready (/readyz 200): the listener works
  bad-password   wrong password, right CA     -> exit 1, "SASL authentication failed"
  untrusted-ca   right password, another CA   -> exit 1, "TLS certificate verification failed"
The client settings go through a --config file, as a deployment would pass secrets.
"""

import json
import time

import faultlib
import itlib
from faultlib import Abort, FaultEnv, Suite

EXIT_WITHIN = 20  # seconds; the failure itself shows within a second on an idle machine


def main(env: FaultEnv, t: Suite) -> None:
    if not env.cluster.sasl_users or not env.cluster.tls:
        raise Abort("the broker has no SASL_SSL listener (start it with --sasl)")
    good = env.cluster.sasl_users["imr"]
    ca, other = str(env.cluster.tls.ca), str(env.cluster.tls.other_ca)
    topics = env.topics(input_partitions=1)
    wrong = "wrong-" + good[::-1]
    secrets_ = [good, wrong, env.cluster.sasl_users["admin"], env.cluster.tls.password]

    def start(label, password, cafile):
        cfg = env.it.work_dir / f"{label}.conf"
        cfg.write_text("\n".join([
            "X = security.protocol=SASL_SSL", "X = sasl.mechanisms=PLAIN", "X = sasl.username=imr",
            f"X = sasl.password={password}", f"X = ssl.ca.location={cafile}", ""]))
        return env.service(label, env.it.group(label), topics, ["--config", str(cfg), "--statistics-interval-ms", "1000"],
                           brokers=env.cluster.sasl_bootstrap)

    control = start("control", good, ca)
    ready = itlib.wait_until(lambda: control.get("/readyz")[0] == 200 or not control.running(), 30, 0.3)
    t.check(ready, "control: the right password and CA make a ready service", control.get("/readyz")[1].strip())
    code = control.stop()
    t.check(code == 0, "control: exit 0 on SIGTERM", f"exit {code}")

    figures = {}
    for label, password, cafile, says in (("bad-password", wrong, ca, "SASL authentication failed"),
                                          ("untrusted-ca", good, other, "TLS certificate verification failed")):
        t0 = time.monotonic()
        svc = start(label, password, cafile)
        code = svc.wait(EXIT_WITHIN)
        took = time.monotonic() - t0
        if code is None:
            svc.stop(10)
        t.check(code is not None and code != 0, f"{label}: exits non-zero within {EXIT_WITHIN}s",
                f"exit {code} after {took:.1f}s")
        figures[f"{label}_exit_code"] = code
        figures[f"{label}_exit_s"] = round(took, 1)
        failed = [e for e in svc.events() if e.get("event") == "service_failed"]
        t.check(bool(failed) and says in str(failed[-1].get("reason", "")),
                f"{label}: service_failed says '{says}'", itlib.summarize_events(failed or svc.problems()))
        text = svc.log_text()
        t.check(not any(s in text for s in secrets_), f"{label}: no password in the log")
    print("# figures " + json.dumps(figures), flush=True)


if __name__ == "__main__":
    faultlib.run("auth_failures", main)
