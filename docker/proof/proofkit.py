#!/usr/bin/env python3
"""Checks for bin/prove-compose that are easier in Python than in bash: JSON and YAML parsing,
set comparisons. Standard library plus PyYAML (python3-yaml, a dependency of docker-compose).
Each subcommand prints what it found and exits non-zero with a one-line reason when a check fails.
"""
import json
import re
import sys


def die(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def cmd_batch(out, spec):
    """batch OUT SPEC: writes a JSON array of tasks. SPEC: type:count:payload-json;... """
    tasks = []
    for part in spec.split(";"):
        task_type, count, payload = part.split(":", 2)
        for _ in range(int(count)):
            tasks.append({"type": task_type, "payload": json.loads(payload)})
    with open(out, "w") as f:
        json.dump(tasks, f)
    print(len(tasks))


def cmd_receipts(response, types_file, out_prefix):
    """receipts RESPONSE BATCH OUT_PREFIX: task ids by type from a /tasks/batch response, in the
    order of the batch; writes OUT_PREFIX.<type> files (one id a line)."""
    receipts = json.load(open(response))["receipts"]
    tasks = json.load(open(types_file))
    if len(receipts) != len(tasks):
        die(f"{len(receipts)} receipts for {len(tasks)} tasks")
    by_type = {}
    for task, receipt in zip(tasks, receipts):
        if not receipt or not receipt.get("taskId"):
            die(f"no receipt for a {task['type']} task: {receipt}")
        by_type.setdefault(task["type"], []).append(receipt["taskId"])
    for task_type, ids in by_type.items():
        with open(f"{out_prefix}.{task_type}", "w") as f:
            f.write("\n".join(ids) + "\n")
    print(len(receipts))


def read_ids(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def json_lines(path):
    """(parsed JSON objects, other lines) of a container log file."""
    objects, other = [], []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if line.startswith("{"):
                try:
                    objects.append(json.loads(line))
                    continue
                except ValueError:
                    die(f"{path}: a log line that starts like JSON does not parse: {line[:200]}")
            other.append(line)
    return objects, other


def cmd_json_logs(*paths):
    """json-logs LOG...: every log line that starts with '{' must be a JSON object with a level
    and a message; at least one per log. Prints counts; other lines (the JVM's own warnings
    before logging starts) are reported, not failed."""
    for path in paths:
        objects, other = json_lines(path)
        if not objects:
            die(f"{path}: no JSON log lines at all")
        for o in objects:
            if "level" not in o or "formattedMessage" not in o:
                die(f"{path}: JSON log line without level/formattedMessage: {json.dumps(o)[:200]}")
        note = f"; {len(other)} non-JSON line(s) from the JVM, first: {other[0][:100]!r}" if other else ""
        print(f"{path.rsplit('/', 1)[-1]}: {len(objects)} JSON lines{note}")


def succeeded_ids(paths):
    ids = []
    for path in paths:
        objects, _ = json_lines(path)
        for o in objects:
            if str(o.get("formattedMessage", "")).startswith("task succeeded"):
                task_id = (o.get("mdc") or {}).get("task.id")
                if task_id:
                    ids.append(task_id)
    return ids


def cmd_executed(expected_file, *logs):
    """executed EXPECTED_IDS LOG...: every expected task id has a 'task succeeded' line (DEBUG)
    in some worker's log. Prints total executions and re-executions (at-least-once)."""
    expected = read_ids(expected_file)
    done = succeeded_ids(logs)
    unique = set(done)
    missing = [i for i in expected if i not in unique]
    if missing:
        die(f"{len(missing)} of {len(expected)} published tasks never succeeded on any worker, e.g. {missing[:3]} "
            "(read from the worker's DEBUG log line 'task succeeded' with MDC task.id)")
    relevant = [i for i in done if i in set(expected)]
    print(f"all {len(expected)} tasks succeeded; {len(relevant)} executions, "
          f"{len(relevant) - len(set(relevant))} re-executed after redelivery")


def cmd_viewer(response, dead_prefix, run_id):
    """viewer RESPONSE DEAD_PREFIX RUN_ID: the viewer's /api/dead-letters lists every task
    expected to be dead-lettered, with the reason and message it should have. Prints one ref."""
    items = json.load(open(response)).get("items", [])
    by_id = {i.get("taskId"): i for i in items}
    checks = [("fail.always", "RETRIES_EXHAUSTED", run_id), ("prove.no-such-type", "UNKNOWN_TYPE", None)]
    ref = None
    for task_type, reason, message in checks:
        for task_id in read_ids(f"{dead_prefix}.{task_type}"):
            item = by_id.get(task_id)
            if item is None:
                die(f"dead letter of {task_type} task {task_id} not listed by the viewer (yet)")
            if item.get("reason") != reason:
                die(f"dead letter {task_id}: reason {item.get('reason')}, expected {reason}")
            if message and message not in str(item.get("message")):
                die(f"dead letter {task_id}: message {item.get('message')!r} lacks {message!r}")
            ref = ref or item.get("ref")
    print(ref)


def cmd_lag(describe_file, topic, partitions, expected_total):
    """lag DESCRIBE TOPIC PARTITIONS EXPECTED_TOTAL: kafka-consumer-groups --describe output shows
    a committed offset equal to the log-end offset on every partition of TOPIC, and the log-end
    offsets add up to the number of tasks published."""
    rows = {}
    for line in open(describe_file):
        cols = line.split()
        if len(cols) >= 6 and cols[1] == topic and cols[2].isdigit():
            rows[int(cols[2])] = (cols[3], cols[4], cols[5])
    if len(rows) != int(partitions):
        die(f"{len(rows)} of {partitions} partitions of {topic} in the group description")
    total_end = 0
    for p, (current, end, lag) in sorted(rows.items()):
        if end == "0" and current == "-":
            continue  # an empty partition: nothing to commit
        if not current.isdigit() or current != end:
            die(f"{topic}-{p}: committed {current}, log end {end}, lag {lag}")
        total_end += int(end)
    if total_end != int(expected_total):
        die(f"{topic} holds {total_end} records, {expected_total} were published")
    print(f"{len(rows)} partitions, {total_end} records, every one committed (lag 0)")


def cmd_compose_lint(compose_file, docs_file):
    """compose-lint COMPOSE DOCS: the file stays in the subset docker compose v2 and
    docker-compose 1.29 share; every ${VAR} has a default and is documented."""
    import yaml
    text = open(compose_file).read()
    doc = yaml.safe_load(text)
    for key in ("name", "include"):
        if key in doc:
            die(f"top-level '{key}:' is not accepted by docker-compose 1.29")
    for name, service in doc.get("services", {}).items():
        if "develop" in service:
            die(f"service {name}: 'develop' is not accepted by docker-compose 1.29")
        if "start_interval" in (service.get("healthcheck") or {}):
            die(f"service {name}: healthcheck.start_interval is not accepted by docker-compose 1.29")
    variables = re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}", text)
    docs = open(docs_file).read()
    names = sorted({v for v, _ in variables})
    for var, rest in variables:
        if not rest.startswith(":-"):
            die(f"${{{var}{rest}}} has no default (use ${{{var}:-default}})")
    undocumented = [v for v in names if f"`{v}`" not in docs]
    if undocumented:
        die(f"not documented in {docs_file}: {', '.join(undocumented)}")
    print(f"{len(names)} variables, all with defaults and documented")


def cmd_dashboard(dashboard, datasources):
    """dashboard JSON DATASOURCES_YAML: the dashboard parses, every panel uses the provisioned
    data source; prints one PromQL expression a line (checked against Prometheus later)."""
    import yaml
    dash = json.load(open(dashboard))
    uids = {d["uid"] for d in yaml.safe_load(open(datasources))["datasources"]}
    exprs = []
    for panel in dash["panels"]:
        if panel.get("datasource", {}).get("uid") not in uids:
            die(f"panel {panel.get('title')!r} uses a data source that is not provisioned")
        for target in panel.get("targets", []):
            exprs.append(target["expr"])
    if not exprs:
        die("the dashboard has no queries")
    for e in exprs:
        print(e)


def cmd_metric_names(exprs_file):
    """metric-names EXPRS: the metric names the expressions use."""
    names = set()
    for expr in read_ids(exprs_file):
        without_labels = re.sub(r"\{[^}]*\}", "", expr)
        without_ranges = re.sub(r"\[[^\]]*\]", "", without_labels)
        for token in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_ranges):
            if token.startswith(("jobwire_", "kafka_")) or token == "up":
                names.add(token)
    for n in sorted(names):
        print(n)


def cmd_prom_targets(targets_json, workers):
    """prom-targets JSON WORKERS: Prometheus has WORKERS healthy worker targets (found by DNS) and
    healthy producer and viewer targets."""
    active = json.load(open(targets_json))["data"]["activeTargets"]
    up = {}
    for t in active:
        job = t["labels"]["job"]
        if t["health"] == "up":
            up.setdefault(job, []).append(t["labels"]["instance"])
    want = {"jobwire-worker": int(workers), "jobwire-producer": 1, "jobwire-dead-letter-viewer": 1}
    for job, n in want.items():
        if len(up.get(job, [])) != n:
            die(f"Prometheus: {len(up.get(job, []))} healthy {job} target(s), expected {n}: {up.get(job)}")
    print(", ".join(f"{job}: {sorted(up[job])}" for job in want))


def cmd_prom_names(values_json, names_file):
    """prom-names JSON NAMES: every name in NAMES is among Prometheus's metric names."""
    have = set(json.load(open(values_json))["data"])
    missing = [n for n in read_ids(names_file) if n not in have]
    if missing:
        die(f"metrics the dashboard queries but Prometheus never scraped: {missing}")
    print(f"{len(read_ids(names_file))} metric names found")


def cmd_prom_query_ok(result_json):
    """prom-query-ok JSON: a /api/v1/query answer with status success."""
    r = json.load(open(result_json))
    if r.get("status") != "success":
        die(f"query failed: {r.get('error')}")
    print(len(r["data"]["result"]))


def cmd_junit(report):
    """junit REPORT: a Surefire/Failsafe XML report with tests run, none skipped, none failed."""
    import xml.etree.ElementTree as ET
    suite = ET.parse(report).getroot()
    counts = {k: int(suite.get(k, "0")) for k in ("tests", "skipped", "failures", "errors")}
    summary = ", ".join(f"{k}={v}" for k, v in counts.items())
    if counts["tests"] == 0 or counts["skipped"] or counts["failures"] or counts["errors"]:
        die(f"{suite.get('name')}: {summary}")
    print(f"{suite.get('name')}: {summary}")


COMMANDS = {
    "batch": cmd_batch, "receipts": cmd_receipts, "json-logs": cmd_json_logs, "executed": cmd_executed,
    "viewer": cmd_viewer, "lag": cmd_lag, "compose-lint": cmd_compose_lint, "dashboard": cmd_dashboard,
    "metric-names": cmd_metric_names, "prom-targets": cmd_prom_targets, "prom-names": cmd_prom_names,
    "prom-query-ok": cmd_prom_query_ok, "junit": cmd_junit,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        die(f"usage: proofkit.py {{{'|'.join(COMMANDS)}}} ARGS...")
    COMMANDS[sys.argv[1]](*sys.argv[2:])
