"""deploy/: every file parses, and names the images and settings the README documents."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from leercoach.run.cluster import nginx_config
from leercoach.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
ENV_EXAMPLE = DEPLOY / "leercoach.env.example"
YAML_FILES = sorted(p for p in DEPLOY.rglob("*") if p.suffix in (".yml", ".yaml"))


def manifests():
    for path in YAML_FILES:
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                yield path, document


def pod_specs():
    for path, doc in manifests():
        spec = doc.get("spec", {})
        if doc["kind"] in ("Deployment", "StatefulSet"):
            yield path, doc, spec["template"]["spec"]
        elif doc["kind"] == "CronJob":
            yield path, doc, spec["jobTemplate"]["spec"]["template"]["spec"]


def env_example_names():
    return {
        line.split("=", 1)[0] for line in ENV_EXAMPLE.read_text().splitlines() if re.match(r"^[A-Z_]+=", line)
    }


def test_there_are_manifests_and_every_yaml_file_parses():
    assert len(YAML_FILES) >= 5
    for path, doc in manifests():
        assert {"apiVersion", "kind", "metadata"} <= set(doc), path


def test_the_readme_names_every_image_the_manifests_use():
    images = {c["image"] for _, _, pod in pod_specs() for c in pod["containers"]}
    assert {"postgres:15", "redis:7"} <= images
    for image in images:
        assert image in README, f"README does not name the image {image}"


def test_rasa_actions_and_the_purge_run_the_one_leercoach_image():
    commands = {
        doc["metadata"]["name"]: (c["image"], " ".join(c["command"]))
        for _, doc, pod in pod_specs()
        for c in pod["containers"]
        if "command" in c
    }
    assert "python -m leercoach.run.rasa_cli run --model" in commands["leercoach-rasa"][1]
    assert "endpoints.production.yml" in commands["leercoach-rasa"][1]
    assert "leercoach.run.action_server" in commands["leercoach-actions"][1]
    assert commands["leercoach-purge"][1] == "python -m leercoach.privacy purge"
    assert len({image for image, _ in commands.values()}) == 1
    assert (DEPLOY / "Dockerfile").exists()


def test_every_long_running_container_has_a_readiness_probe():
    for _path, doc, pod in pod_specs():
        if doc["kind"] != "CronJob":
            assert all("readinessProbe" in c for c in pod["containers"]), doc["metadata"]["name"]


def test_the_purge_is_a_nightly_cronjob():
    jobs = [doc for _, doc in manifests() if doc["kind"] == "CronJob"]
    assert len(jobs) == 1 and jobs[0]["spec"]["concurrencyPolicy"] == "Forbid"


def test_the_pods_get_every_variable_the_production_endpoints_file_reads():
    endpoints = (PROJECT_ROOT / "endpoints.production.yml").read_text()
    needed = set(re.findall(r"\$\{(\w+)\}", endpoints)) | {
        "LEERCOACH_PSEUDONYM_KEY",
        "RASA_TELEMETRY_ENABLED",
    }
    given = set()
    for _, doc in manifests():
        if doc["kind"] in ("ConfigMap", "Secret"):
            given |= set(doc.get("data") or {}) | set(doc.get("stringData") or {})
    assert needed <= given, needed - given
    assert given - {"POSTGRES_PASSWORD"} <= env_example_names()


# Settings of the template that the Kubernetes pods do without, and why; every other one is in
# the ConfigMap or the Secret, so an admin sees (and sets) what the pods run with.
NOT_IN_KUBERNETES = {
    "LEERCOACH_CLUSTER_ACTION_SERVERS": "make cluster only",
    "LEERCOACH_CLUSTER_DIR": "make cluster only",
    "LEERCOACH_CLUSTER_HOST": "make cluster only",
    "LEERCOACH_CLUSTER_PORT": "make cluster only",
    "LEERCOACH_CLUSTER_SERVERS": "make cluster only",
    "LEERCOACH_LOG_DIR": "pods log to standard output",
    "LEERCOACH_MODEL": "the image holds the model",
    "LEERCOACH_PYTHON": "make install only",
    "LEERCOACH_SPACY_WHEEL": "make install only",
    "LEERCOACH_UD_DUTCH_DIR": "make install only",
    "LEERCOACH_RASA_PORT": "the manifest's port",
    "LEERCOACH_RASA_WORKERS": "replicas instead",
    "LEERCOACH_WIDGET_PORT": "the intranet serves the widget",
    "LEERCOACH_TEAMS_WEBSITE_URL": "the Teams app package is built on a workstation",
}


def test_the_pods_get_every_setting_of_the_template_that_applies_to_them():
    given = set()
    for _, doc in manifests():
        if doc["kind"] in ("ConfigMap", "Secret"):
            given |= set(doc.get("data") or {}) | set(doc.get("stringData") or {})
    # The review app has no manifest of its own yet (docs: operations); its settings are its own.
    applies = {name for name in env_example_names() if not name.startswith("LEERCOACH_REVIEW_")}
    missing = applies - given - set(NOT_IN_KUBERNETES)
    assert not missing, f"not in deploy/kubernetes/settings.yaml: {sorted(missing)}"


def test_the_environment_template_has_every_setting_the_readme_documents():
    documented = set(re.findall(r"\b(LEERCOACH_[A-Z_]*[A-Z]|TICKET_LOCK_LIFETIME)\b", README))
    documented -= {"LEERCOACH_TEST_MODEL", "LEERCOACH_REVIEW_BENCH_DB"}  # test and bench switches
    assert documented, "README documents no settings?"
    missing = documented - env_example_names()
    assert not missing, f"not in {ENV_EXAMPLE.name}: {sorted(missing)}"


def test_the_nginx_template_is_filled_completely(tmp_path):
    config = nginx_config(tmp_path, "127.0.0.1:8000", "127.0.0.1:8001", [9001, 9002], [9003])
    assert not re.findall(r"@[A-Z_]+@", config)
    assert config.count("server 127.0.0.1:") == 3 and config.count("max_fails=1 fail_timeout=10s;") == 4
    assert "non_idempotent" in config and "proxy_intercept_errors on" in config


@pytest.mark.skipif(
    not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()),
    reason="nginx not installed (make cluster installs it)",
)
def test_nginx_accepts_the_configuration(tmp_path):
    for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
        (tmp_path / sub).mkdir(parents=True)
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config(tmp_path, "127.0.0.1:8000", "127.0.0.1:8001", [9001], [9003]))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
