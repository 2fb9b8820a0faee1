"""Reads deploy/kubernetes/ as a cluster would: the pods, their containers, and the environment
each container gets from the image (deploy/Dockerfile ENV), the ConfigMap and the Secret."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import yaml

from leercoach.settings import PROJECT_ROOT

KUBERNETES = PROJECT_ROOT / "deploy" / "kubernetes"
DOCKERFILE = PROJECT_ROOT / "deploy" / "Dockerfile"
LEERCOACH_IMAGE = "registry.bedrijf.example/leercoach:1.0.0"


def documents() -> List[dict]:
    found = []
    for path in sorted(KUBERNETES.glob("*.yaml")):
        found += [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    return found


def of_kind(kind: str) -> List[dict]:
    return [doc for doc in documents() if doc["kind"] == kind]


def named(kind: str, name: str) -> dict:
    (found,) = [doc for doc in of_kind(kind) if doc["metadata"]["name"] == name]
    return found


def pod_templates() -> Dict[str, dict]:
    """Every workload's pod template (metadata and spec), by the workload's name."""
    templates = {}
    for doc in documents():
        if doc["kind"] in ("Deployment", "StatefulSet"):
            templates[doc["metadata"]["name"]] = doc["spec"]["template"]
        elif doc["kind"] == "CronJob":
            templates[doc["metadata"]["name"]] = doc["spec"]["jobTemplate"]["spec"]["template"]
    return templates


def containers() -> Iterator[Tuple[str, dict, dict]]:
    """(workload name, pod spec, container) for every container."""
    for name, template in pod_templates().items():
        for container in template["spec"]["containers"]:
            yield name, template["spec"], container


def the_container(workload: str) -> dict:
    (container,) = pod_templates()[workload]["spec"]["containers"]
    return container


def config_values() -> Dict[str, str]:
    return dict(named("ConfigMap", "leercoach-settings")["data"])


def secret_values() -> Dict[str, str]:
    return dict(named("Secret", "leercoach-secrets")["stringData"])


def image_environment(dockerfile: Path = DOCKERFILE) -> Dict[str, str]:
    """The ENV lines of the Dockerfile: what every container of the image starts with."""
    env = {}
    for line in dockerfile.read_text(encoding="utf-8").splitlines():
        if line.startswith("ENV "):
            env.update(word.split("=", 1) for word in shlex.split(line[4:]))
    return env


def image_workdir(dockerfile: Path = DOCKERFILE) -> str:
    (workdir,) = re.findall(r"^WORKDIR (\S+)", dockerfile.read_text(encoding="utf-8"), re.MULTILINE)
    return workdir


def image_model_path(dockerfile: Path = DOCKERFILE) -> str:
    """Where the image holds the trained model (COPY ${MODEL} <path>, relative to WORKDIR)."""
    (target,) = re.findall(r"^COPY \$\{MODEL\} (\S+)", dockerfile.read_text(encoding="utf-8"), re.MULTILINE)
    return target if target.startswith("/") else f"{image_workdir(dockerfile)}/{target}"


def expand(text: str, env: Dict[str, str]) -> str:
    """Kubernetes' $(VAR) expansion in command, args and env values: a defined variable is
    replaced, an undefined reference stays as written, $$ is a literal $."""

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        return env.get(match.group(1), match.group(0))

    return re.sub(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)", replace, text)


def container_environment(
    container: dict, config: Dict[str, str], secret: Dict[str, str], image_env: Dict[str, str]
) -> Dict[str, str]:
    """The environment of a container as the kubelet builds it: the image's ENV, then envFrom
    in order, then env (each value may refer to the ones before it with $(VAR))."""
    sources = {"leercoach-settings": config, "leercoach-secrets": secret}
    env = dict(image_env)
    for source in container.get("envFrom", []):
        reference = source.get("configMapRef") or source.get("secretRef")
        env.update(sources[reference["name"]])
    for entry in container.get("env", []):
        if "value" in entry:
            env[entry["name"]] = expand(entry["value"], env)
        else:
            reference = entry["valueFrom"].get("configMapKeyRef") or entry["valueFrom"].get("secretKeyRef")
            env[entry["name"]] = sources[reference["name"]][reference["key"]]
    return env


def container_port(container: dict, port) -> int:
    """A probe's port (a name or a number) as the container's port number."""
    if isinstance(port, int):
        return port
    (number,) = [p["containerPort"] for p in container["ports"] if p.get("name") == port]
    return number


def labels_match(selector: dict, labels: Dict[str, str]) -> bool:
    """Kubernetes' label selector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist)."""
    if any(labels.get(key) != value for key, value in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True
