"""deploy/kubernetes/: what each pod may do and who may reach it, read from the manifests as the
cluster reads them (tests/deploy/kubernetes.py). That the containers really start with these
settings, as `nobody` with only their volumes writable: test_kubernetes_start.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from leercoach.privacy.pseudonym import MIN_KEY_LENGTH, MissingKeyError, require_configured_key
from leercoach.settings import PROJECT_ROOT
from tests.deploy import kubernetes as k8s

APP_WORKLOADS = ("leercoach-rasa", "leercoach-actions", "leercoach-purge")
ELSEWHERE = "a pod of someone else"  # any other pod, in this namespace or another


def effective(pod: dict, container: dict, field: str):
    """A securityContext field as Kubernetes applies it: the container's, else the pod's."""
    return (container.get("securityContext") or {}).get(field, (pod.get("securityContext") or {}).get(field))


def environment(workload: str) -> dict:
    return k8s.container_environment(
        k8s.the_container(workload), k8s.config_values(), k8s.secret_values(), k8s.image_environment()
    )


# --- securityContext ---------------------------------------------------------------------------


def test_no_container_runs_as_root_or_can_become_root():
    checked = 0
    for workload, pod, container in k8s.containers():
        assert effective(pod, container, "runAsNonRoot") is True, workload
        assert effective(pod, container, "runAsUser") not in (None, 0), workload
        context = container.get("securityContext") or {}
        assert context.get("allowPrivilegeEscalation") is False, workload
        assert context.get("capabilities", {}).get("drop") == ["ALL"], workload
        assert pod.get("automountServiceAccountToken") is False, workload
        checked += 1
    assert checked == 5


def test_the_leercoach_pods_run_as_the_user_the_image_is_built_for():
    (image_user,) = re.findall(r"^USER (\d+)", k8s.DOCKERFILE.read_text(), re.MULTILINE)
    for workload, pod, container in k8s.containers():
        if container["image"] == k8s.LEERCOACH_IMAGE:
            assert str(effective(pod, container, "runAsUser")) == image_user, workload


def test_every_root_file_system_is_read_only_and_only_scratch_volumes_are_writable():
    for workload, pod, container in k8s.containers():
        assert effective(pod, container, "readOnlyRootFilesystem") is True, workload
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for mount in container.get("volumeMounts", []):
            if mount["name"] in volumes:  # else a StatefulSet's volume claim (PostgreSQL's data)
                assert "emptyDir" in volumes[mount["name"]], (workload, mount)
        if container["image"] == k8s.LEERCOACH_IMAGE:
            # Rasa unpacks the model into the temporary folder; nothing else is written (the
            # containers start so: test_kubernetes_start.py).
            assert [m["mountPath"] for m in container["volumeMounts"]] == ["/tmp"], workload
            assert "TMPDIR" not in environment(workload), workload


# --- NetworkPolicies ---------------------------------------------------------------------------


def pod_labels() -> dict:
    labels = {
        name: template.get("metadata", {}).get("labels", {}) for name, template in k8s.pod_templates().items()
    }
    return {**labels, ELSEWHERE: {}}


def peer_allows(peer: dict, source_labels: dict, source: str) -> bool:
    if "namespaceSelector" in peer or "ipBlock" in peer:
        return source == ELSEWHERE  # outside the namespace: only "someone else" is there
    return k8s.labels_match(peer["podSelector"], source_labels)


def port_allowed(rule: dict, container: dict, port: int) -> bool:
    if not rule.get("ports"):
        return True
    names = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
    return any(names.get(p["port"], p["port"]) == port for p in rule["ports"])


def who_may_connect(target: str, port: int) -> set:
    """The pods that NetworkPolicies let reach the target's port (none selecting it: all)."""
    target_labels = k8s.pod_templates()[target]["metadata"]["labels"]
    container = k8s.the_container(target)
    policies = [
        p["spec"]
        for p in k8s.of_kind("NetworkPolicy")
        if k8s.labels_match(p["spec"]["podSelector"], target_labels) and "Ingress" in p["spec"]["policyTypes"]
    ]
    sources = pod_labels()
    if not policies:
        return set(sources)
    allowed = set()
    for policy in policies:
        for rule in policy.get("ingress", []):
            if not port_allowed(rule, container, port):
                continue
            for source, labels in sources.items():
                if "from" not in rule or any(peer_allows(peer, labels, source) for peer in rule["from"]):
                    allowed.add(source)
    return allowed


def test_only_the_rasa_servers_reach_the_action_servers():
    assert who_may_connect("leercoach-actions", 5055) == {"leercoach-rasa"}
    assert who_may_connect("leercoach-actions", 22) == set()


def test_only_the_leercoach_pods_that_use_it_reach_postgresql():
    assert who_may_connect("leercoach-postgresql", 5432) == set(APP_WORKLOADS)


def test_only_the_rasa_servers_reach_the_lock_store():
    assert who_may_connect("leercoach-redis", 6379) == {"leercoach-rasa", "leercoach-purge"}


def test_the_ingress_still_reaches_rasa():
    assert ELSEWHERE in who_may_connect("leercoach-rasa", 5005)


def test_the_policies_name_the_pods_by_labels_the_pods_have():
    labels = pod_labels()
    for policy in k8s.of_kind("NetworkPolicy"):
        selected = [
            name for name, own in labels.items() if k8s.labels_match(policy["spec"]["podSelector"], own)
        ]
        assert len(selected) == 1 and selected[0] != ELSEWHERE, policy["metadata"]["name"]


# --- environment ---------------------------------------------------------------------------------


def named_variables(path: Path) -> set:
    """The ${VARIABLES} in the file's values (Rasa expands those; comments do not count)."""

    def values(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from values(value)
        elif isinstance(node, list):
            for value in node:
                yield from values(value)
        elif isinstance(node, str):
            yield node

    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name for value in values(document) for name in re.findall(r"\$\{(\w+)\}", value)}


@pytest.mark.parametrize("workload", APP_WORKLOADS)
def test_every_variable_the_endpoints_and_credentials_files_name_is_set(workload):
    """Rasa refuses a file with a ${VARIABLE} that is not set; empty is allowed."""
    needed = named_variables(PROJECT_ROOT / "endpoints.production.yml")
    if workload == "leercoach-rasa":
        needed |= named_variables(PROJECT_ROOT / "credentials.yml")
    missing = needed - set(environment(workload))
    assert not missing, f"{workload} lacks {sorted(missing)}"


def test_rasa_and_the_action_servers_share_the_action_secret_from_the_secret():
    for workload in ("leercoach-rasa", "leercoach-actions"):
        assert (
            environment(workload)["LEERCOACH_ACTION_SECRET"] == k8s.secret_values()["LEERCOACH_ACTION_SECRET"]
        )


def test_no_placeholder_key_in_the_secret_passes_the_length_check(monkeypatch):
    keys = {n: v for n, v in k8s.secret_values().items() if re.search(r"_(KEY|SECRET)$", n) and v}
    assert {"LEERCOACH_PSEUDONYM_KEY", "LEERCOACH_ACTION_SECRET"} <= set(keys)
    for name, placeholder in keys.items():
        assert len(placeholder) < MIN_KEY_LENGTH, name
    monkeypatch.setenv("LEERCOACH_PSEUDONYM_KEY", keys["LEERCOACH_PSEUDONYM_KEY"])
    with pytest.raises(MissingKeyError):
        require_configured_key()


def test_the_lock_store_password_comes_from_the_secret_on_both_sides():
    redis = k8s.the_container("leercoach-redis")
    password = k8s.secret_values()["LEERCOACH_REDIS_PASSWORD"]
    env = k8s.container_environment(redis, k8s.config_values(), k8s.secret_values(), {})
    arguments = [k8s.expand(a, env) for a in redis["args"]]
    assert arguments[arguments.index("--requirepass") + 1] == password
    assert environment("leercoach-rasa")["LEERCOACH_REDIS_PASSWORD"] == password


@pytest.mark.parametrize(
    "origins",
    [
        "https://intranet.bedrijf.example",
        "https://intranet.bedrijf.example https://portaal.bedrijf.example",
        "*",
    ],
)
def test_rasa_gets_each_allowed_origin_as_a_cors_value(origins, tmp_path):
    """The command as the pod's sh runs it, with a stand-in `python` that prints its arguments."""
    stand_in = tmp_path / "python"
    stand_in.write_text(
        '#!/bin/sh\nexec "$PRINT_ARGUMENTS" -c \'import json, sys; print(json.dumps(sys.argv[1:]))\' "$@"\n'
    )
    stand_in.chmod(0o755)
    (tmp_path / "decoy.txt").write_text("")  # a "*" must not become the files here
    env = {**environment("leercoach-rasa"), "LEERCOACH_ALLOWED_ORIGINS": origins}
    env.update(PATH=f"{tmp_path}{os.pathsep}/usr/bin:/bin", PRINT_ARGUMENTS=os.path.realpath(sys.executable))
    command = [k8s.expand(part, env) for part in k8s.the_container("leercoach-rasa")["command"]]
    printed = subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    arguments = json.loads(printed)
    assert arguments[:3] == ["-m", "leercoach.run.rasa_cli", "run"]
    assert arguments[arguments.index("--cors") + 1 :] == origins.split()
