#!/usr/bin/env python3
"""Local Apache Kafka clusters for the fault tests: N KRaft nodes (broker + controller in one
process each) on 127.0.0.1, with the jars scripts/kafka-local caches (it fetches them on its
first start), optionally a SASL_SSL (PLAIN) listener with certificates made by openssl.

As a library (tests/faults/faultlib.py):   Cluster(state_dir, base_port, nodes=3).start()
As a command (scripts/kafka-cluster):      kafka_cluster.py start|stop --dir D --port P --nodes N

Ports: node i (0-based) listens for clients on base+2i and for the controllers on base+2i+1;
a SASL_SSL listener, when asked for, on base+50+i. Each node's pid, config and log are in
<state_dir>/node<i>/. Nodes are not children of the caller (setsid), so a test can SIGKILL
and restart one; stop() ends every node it started.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def kafka_home() -> Path:
    return Path(os.environ.get("IMR_KAFKA_HOME", REPO / ".cache" / "kafka"))


def ensure_jars() -> Path:
    """The jar dir of scripts/kafka-local, which fetches the jars the first time."""
    libs = kafka_home() / "libs"
    if not (libs / ".complete").exists():
        subprocess.run([str(REPO / "scripts" / "kafka-local"), "fetch"], check=True, stdout=sys.stderr)
    return libs


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


LOG4J = """log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
"""


class Tls:
    """A CA, a broker certificate signed by it (CN and SAN 127.0.0.1/localhost) and a second,
    unrelated CA that a client must not trust the broker with. Made with openssl."""

    def __init__(self, d: Path):
        self.dir = d
        d.mkdir(parents=True, exist_ok=True)
        self.ca, self.ca_key = d / "ca.pem", d / "ca.key"
        self.other_ca = d / "other-ca.pem"
        self.cert, self.key = d / "broker.pem", d / "broker.key"
        self.keystore = d / "broker.p12"
        self.password = "store-" + uuid.uuid4().hex[:12]
        if not self.keystore.exists():
            self._make()

    def _openssl(self, *args: str) -> None:
        subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def _make(self) -> None:
        d = self.dir
        self._openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=imr-test-ca",
                      "-keyout", str(self.ca_key), "-out", str(self.ca))
        self._openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=imr-other-ca",
                      "-keyout", str(d / "other-ca.key"), "-out", str(self.other_ca))
        self._openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                      "-keyout", str(self.key), "-out", str(d / "broker.csr"))
        (d / "san.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
        self._openssl("x509", "-req", "-in", str(d / "broker.csr"), "-CA", str(self.ca), "-CAkey", str(self.ca_key),
                      "-CAcreateserial", "-days", "2", "-extfile", str(d / "san.cnf"), "-out", str(self.cert))
        self._openssl("pkcs12", "-export", "-in", str(self.cert), "-inkey", str(self.key), "-name", "broker",
                      "-out", str(self.keystore), "-passout", f"pass:{self.password}")
        (d / "password").write_text(self.password)

    def load_password(self) -> None:
        p = self.dir / "password"
        if p.exists():
            self.password = p.read_text()


class Cluster:
    def __init__(self, state_dir: Path, base_port: int, nodes: int = 1, sasl: bool = False,
                 heap: str = "-Xms128m -Xmx384m"):
        self.dir = Path(state_dir)
        self.base_port = base_port
        self.nodes = nodes
        self.sasl = sasl
        self.heap = heap
        self.tls: Tls | None = None
        self.sasl_users: dict[str, str] | None = None

    def load_sasl(self) -> bool:
        """Reads the SASL users and TLS files of a cluster started with sasl=True (maybe by
        another process); False when it has none."""
        users = self.dir / "sasl-users.json"
        if not users.exists():
            return False
        self.sasl_users = json.loads(users.read_text())
        self.tls = Tls(self.dir / "tls")
        self.tls.load_password()
        return True

    # addresses ------------------------------------------------------------------------
    def port(self, i: int) -> int:
        return self.base_port + 2 * i

    def controller_port(self, i: int) -> int:
        return self.base_port + 2 * i + 1

    def sasl_port(self, i: int) -> int:
        return self.base_port + 50 + i

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{self.port(i)}" for i in range(self.nodes))

    @property
    def sasl_bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{self.sasl_port(i)}" for i in range(self.nodes))

    def node_dir(self, i: int) -> Path:
        return self.dir / f"node{i}"

    # configuration ----------------------------------------------------------------------
    def _config(self, i: int) -> str:
        n = self.nodes
        voters = ",".join(f"{j + 1}@127.0.0.1:{self.controller_port(j)}" for j in range(n))
        listeners = [f"PLAINTEXT://127.0.0.1:{self.port(i)}", f"CONTROLLER://127.0.0.1:{self.controller_port(i)}"]
        advertised = [f"PLAINTEXT://127.0.0.1:{self.port(i)}"]
        protocols = ["CONTROLLER:PLAINTEXT", "PLAINTEXT:PLAINTEXT"]
        extra = []
        if self.sasl_users is not None:
            assert self.tls is not None
            listeners.append(f"SASL_SSL://127.0.0.1:{self.sasl_port(i)}")
            advertised.append(f"SASL_SSL://127.0.0.1:{self.sasl_port(i)}")
            protocols.append("SASL_SSL:SASL_SSL")
            users = " ".join(f'user_{u}="{p}"' for u, p in self.sasl_users.items())
            admin_user, admin_pass = next(iter(self.sasl_users.items()))
            extra += [
                "sasl.enabled.mechanisms=PLAIN",
                "listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
                f'required username="{admin_user}" password="{admin_pass}" {users};',
                f"ssl.keystore.location={self.tls.keystore}",
                "ssl.keystore.type=PKCS12",
                f"ssl.keystore.password={self.tls.password}",
                f"ssl.key.password={self.tls.password}",
            ]
        rf = min(3, n)
        return "\n".join([
            "process.roles=broker,controller",
            f"node.id={i + 1}",
            f"controller.quorum.voters={voters}",
            "controller.listener.names=CONTROLLER",
            f"listeners={','.join(listeners)}",
            f"advertised.listeners={','.join(advertised)}",
            "inter.broker.listener.name=PLAINTEXT",
            f"listener.security.protocol.map={','.join(protocols)}",
            f"log.dirs={self.node_dir(i) / 'data'}",
            "num.partitions=1",
            f"default.replication.factor={rf}",
            f"min.insync.replicas={min(2, n)}",
            f"offsets.topic.replication.factor={rf}",
            f"transaction.state.log.replication.factor={rf}",
            f"transaction.state.log.min.isr={min(2, n)}",
            "auto.create.topics.enable=false",
            "group.initial.rebalance.delay.ms=0",
            "message.max.bytes=27262976",
            "replica.fetch.max.bytes=27262976",
            "socket.request.max.bytes=104857600",
            "log.cleaner.dedupe.buffer.size=16777216",
            "num.network.threads=2", "num.io.threads=2", "background.threads=2",
            "num.recovery.threads.per.data.dir=1",
            # a killed node's partitions move quickly; a restarted one is back in the ISR soon
            "replica.lag.time.max.ms=10000",
            "unclean.leader.election.enable=false",
            *extra, "",
        ])

    def _java(self) -> str:
        return java()

    def _tool(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        libs = ensure_jars()
        log4j = self.dir / "tools-log4j.properties"
        if not log4j.exists():
            log4j.write_text("log4j.rootLogger=WARN, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\n"
                             "log4j.appender.stderr.layout=org.apache.log4j.PatternLayout\n"
                             "log4j.appender.stderr.Target=System.err\n")
        return subprocess.run([self._java(), "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                               f"-Dlog4j.configuration=file:{log4j}", "-cp", f"{libs}/*", *args],
                              check=check, timeout=timeout, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    # lifecycle ------------------------------------------------------------------------
    def start(self, timeout: float = 120) -> "Cluster":
        self.dir.mkdir(parents=True, exist_ok=True)
        for i in range(self.nodes):
            for p in (self.port(i), self.controller_port(i)):
                if port_open(p):
                    raise RuntimeError(f"port {p} is in use; another broker runs there")
        if self.sasl and not self.load_sasl():
            self.tls = Tls(self.dir / "tls")
            self.sasl_users = {"admin": "adm-" + uuid.uuid4().hex, "imr": "imr-" + uuid.uuid4().hex}
            (self.dir / "sasl-users.json").write_text(json.dumps(self.sasl_users))
        ensure_jars()
        cluster_id_file = self.dir / "cluster-id"
        if not cluster_id_file.exists():
            out = self._tool("kafka.tools.StorageTool", "random-uuid").stdout.decode().strip()
            cluster_id_file.write_text(out)
        cluster_id = cluster_id_file.read_text().strip()
        procs = []
        for i in range(self.nodes):
            nd = self.node_dir(i)
            nd.mkdir(parents=True, exist_ok=True)
            (nd / "server.properties").write_text(self._config(i))
            (nd / "log4j.properties").write_text(LOG4J)
            if not (nd / "data" / "meta.properties").exists():
                procs.append(subprocess.Popen(
                    [self._java(), "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                     f"-Dlog4j.configuration=file:{nd / 'log4j.properties'}", "-cp", f"{ensure_jars()}/*",
                     "kafka.tools.StorageTool", "format", "--config", str(nd / "server.properties"),
                     "--cluster-id", cluster_id, "--ignore-formatted"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        for p in procs:
            _, err = p.communicate(timeout=120)
            if p.returncode != 0:
                raise RuntimeError(f"formatting storage failed: {err.decode(errors='replace')[-500:]}")
        for i in range(self.nodes):
            self.start_node(i, wait=False)
        self.wait_ready(timeout)
        return self

    def start_node(self, i: int, wait: bool = True, timeout: float = 90) -> None:
        nd = self.node_dir(i)
        if self.pid(i):
            return
        log = open(nd / "kafka.log", "ab")
        proc = subprocess.Popen(
            [self._java(), *self.heap.split(), "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:+ExitOnOutOfMemoryError",
             "-Djava.awt.headless=true", f"-Dlog4j.configuration=file:{nd / 'log4j.properties'}",
             "-cp", f"{ensure_jars()}/*", "kafka.Kafka", str(nd / "server.properties")],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        (nd / "kafka.pid").write_text(str(proc.pid))
        if wait:
            self.wait_ready(timeout, nodes=[i])

    def pid(self, i: int) -> int | None:
        f = self.node_dir(i) / "kafka.pid"
        try:
            pid = int(f.read_text())
        except (OSError, ValueError):
            return None
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return None
        if alive(pid) and str(self.node_dir(i) / "server.properties").encode() in cmd:
            return pid
        return None

    def _spawned_alive(self, i: int) -> bool:
        try:
            return alive(int((self.node_dir(i) / "kafka.pid").read_text()))
        except (OSError, ValueError):
            return False

    def wait_ready(self, timeout: float, nodes: list[int] | None = None) -> None:
        nodes = list(range(self.nodes)) if nodes is None else nodes
        deadline = time.monotonic() + timeout
        want = self.nodes
        while True:
            ok = all(port_open(self.port(i)) for i in nodes)
            if ok:
                out = subprocess.run(["kcat", "-b", self.bootstrap, "-L", "-m", "3"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL).stdout.decode()
                up = sum(1 for line in out.splitlines() if line.strip().startswith("broker "))
                if up >= want:
                    return
            for i in nodes:
                # the pid file's process, alive: just after the spawn it may not have exec'd
                # java yet, so pid()'s command line check would not recognise it
                if not self._spawned_alive(i):
                    log = self.node_dir(i) / "kafka.log"
                    tail = log.read_text(errors="replace").splitlines()[-15:] if log.exists() else []
                    raise RuntimeError(f"node {i} exited during start-up; last lines of {log}:\n" + "\n".join(tail))
            if time.monotonic() >= deadline:
                raise RuntimeError(f"cluster not ready within {timeout}s; see {self.dir}/node*/kafka.log")
            time.sleep(0.5)

    def signal_node(self, i: int, sig: int) -> None:
        pid = self.pid(i)
        if pid:
            os.kill(pid, sig)

    def stop_node(self, i: int, kill: bool = False, timeout: float = 30) -> None:
        pid = self.pid(i)
        if not pid:
            return
        os.kill(pid, signal.SIGCONT)  # a paused (SIGSTOPped) node cannot act on SIGTERM
        os.kill(pid, signal.SIGKILL if kill else signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while alive(pid):
            if time.monotonic() >= deadline:
                os.kill(pid, signal.SIGKILL)
                deadline = time.monotonic() + 30
            time.sleep(0.1)

    def stop(self, delete: bool = True) -> None:
        for i in range(self.nodes):
            if self.pid(i):
                self.signal_node(i, signal.SIGCONT)
                self.signal_node(i, signal.SIGTERM)
        for i in range(self.nodes):
            self.stop_node(i, timeout=20)
        if delete:
            shutil.rmtree(self.dir, ignore_errors=True)

    # topics ---------------------------------------------------------------------------
    def create_topics(self, topics: list[tuple[str, int]], replication: int | None = None,
                      configs: dict[str, str] | None = None) -> None:
        """Creates the topics in parallel (one JVM each)."""
        libs = ensure_jars()
        rf = replication or min(3, self.nodes)
        cfg = []
        for k, v in {"max.message.bytes": "26214400", **(configs or {})}.items():
            cfg += ["--config", f"{k}={v}"]
        procs = []
        for name, parts in topics:
            procs.append((name, subprocess.Popen(
                [self._java(), "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", f"{libs}/*",
                 "-Dlog4j.configuration=file:/dev/null",
                 "org.apache.kafka.tools.TopicCommand", "--bootstrap-server", self.bootstrap, "--create",
                 "--if-not-exists", "--topic", name, "--partitions", str(parts), "--replication-factor", str(rf),
                 *cfg], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)))
        for name, p in procs:
            out, _ = p.communicate(timeout=180)
            if p.returncode != 0:
                raise RuntimeError(f"create topic {name}: {out.decode(errors='replace')[-400:]}")

    def alter_topic(self, name: str, configs: dict[str, str]) -> None:
        alter_topic(self.bootstrap, name, configs)


def java() -> str:
    home = os.environ.get("JAVA_HOME")
    return f"{home}/bin/java" if home and os.path.exists(f"{home}/bin/java") else (shutil.which("java") or "java")


def alter_topic(bootstrap: str, name: str, configs: dict[str, str]) -> None:
    """Changes a topic's configs on a running broker (kafka-configs --alter --add-config)."""
    libs = ensure_jars()
    subprocess.run([java(), "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", f"{libs}/*",
                    "-Dlog4j.configuration=file:/dev/null", "kafka.admin.ConfigCommand",
                    "--bootstrap-server", bootstrap, "--alter", "--entity-type", "topics",
                    "--entity-name", name, "--add-config", ",".join(f"{k}={v}" for k, v in configs.items())],
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)


def main() -> int:
    p = argparse.ArgumentParser(description="local multi-node KRaft Kafka cluster on 127.0.0.1")
    p.add_argument("command", choices=["start", "stop", "kill-node", "start-node"])
    p.add_argument("--dir", required=True)
    p.add_argument("--port", type=int, required=True, help="base port (node i: port+2i, controller port+2i+1)")
    p.add_argument("--nodes", type=int, default=3)
    p.add_argument("--node", type=int, default=0)
    p.add_argument("--sasl", action="store_true", help="add a SASL_SSL (PLAIN) listener on port+50+i")
    a = p.parse_args()
    c = Cluster(Path(a.dir), a.port, a.nodes, sasl=a.sasl)
    if a.command == "start":
        try:
            c.start()
        except RuntimeError as e:  # a JVM that died at start on a loaded machine: one more try
            print(f"kafka-cluster: {e}\nkafka-cluster: starting again", file=sys.stderr)
            c.stop(delete=True)
            c.start()
        print(f"kafka-cluster: {a.nodes} nodes at {c.bootstrap}")
    elif a.command == "stop":
        c.stop()
    elif a.command == "kill-node":
        c.stop_node(a.node, kill=True)
    else:
        c.start_node(a.node)
    return 0


if __name__ == "__main__":
    sys.exit(main())
