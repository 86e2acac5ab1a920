#!/usr/bin/env python3
"""check_chart.py CASE RENDERED_YAML: validates every object `helm template` rendered.

Built-in kinds go to kubernetes-validate (its bundled schemas, nothing fetched); the CRDs it
does not know (KEDA ScaledObject, Prometheus operator ServiceMonitor) are checked for the
fields those operators require. CASE "default" or "all-options" says which objects must exist."""
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

CRDS = {"ScaledObject", "ServiceMonitor"}


def check_scaled_object(obj, by_kind):
    spec = obj["spec"]
    target = spec["scaleTargetRef"]
    workload = by_kind.get("Deployment") or by_kind.get("StatefulSet")
    assert target["name"] == workload["metadata"]["name"], "scaleTargetRef names the workload"
    assert target.get("kind", "Deployment") == workload["kind"]
    trigger = spec["triggers"][0]
    assert trigger["type"] == "kafka"
    for field in ("bootstrapServers", "consumerGroup", "topic", "lagThreshold"):
        assert trigger["metadata"].get(field), f"kafka trigger needs {field}"
    assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]


def check_service_monitor(obj, by_kind):
    spec = obj["spec"]
    service = by_kind["Service"]
    labels = spec["selector"]["matchLabels"]
    assert all(service["metadata"]["labels"].get(k) == v for k, v in labels.items()), \
        "the selector matches the Service"
    ports = {p["name"] for p in service["spec"]["ports"]}
    assert spec["endpoints"] and all(e["port"] in ports for e in spec["endpoints"])


def main(case: str, rendered: str) -> int:
    objects = [o for o in yaml.safe_load_all(Path(rendered).read_text()) if o]
    by_kind = {o["kind"]: o for o in objects}
    builtin = [o for o in objects if o["kind"] not in CRDS]
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
        yaml.safe_dump_all(builtin, f)
        f.flush()
        result = subprocess.run(
            [str(Path(sys.executable).parent / "kubernetes-validate"), "--strict",
             "--kubernetes-version", "1.30", f.name],
            capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-2000:])
        return 1
    want = {"ConfigMap", "Service", "PodDisruptionBudget"}
    want |= {"StatefulSet", "ServiceMonitor", "ScaledObject"} if case == "all-options" else {"Deployment"}
    missing = want - by_kind.keys()
    assert not missing, f"missing objects: {sorted(missing)}"
    workload = by_kind.get("Deployment") or by_kind["StatefulSet"]
    pod = workload["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    shutdown_ms = int(by_kind["ConfigMap"]["data"]["IMR_SHUTDOWN_TIMEOUT_MS"])
    assert pod["terminationGracePeriodSeconds"] * 1000 > shutdown_ms
    if "ScaledObject" in by_kind:
        check_scaled_object(by_kind["ScaledObject"], by_kind)
        assert "replicas" not in workload["spec"], "KEDA owns the replica count"
    if "ServiceMonitor" in by_kind:
        check_service_monitor(by_kind["ServiceMonitor"], by_kind)
    if case == "all-options":
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["IMR_KAFKA_SASL_PASSWORD_FILE"] == "/run/secrets/kafka/sasl.password"
        assert "password" not in str(by_kind["ConfigMap"]["data"]).lower().replace("sasl_password", "")
    print(f"{len(objects)} objects: {', '.join(sorted(by_kind))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
