"""`make test-conversations`: rasa test on tests/conversations with the current model.

Fails (exit code 1) on any wrong prediction; the failed stories are written to
reports/conversations/failed_test_stories.yml.
"""

import subprocess
import sys

from leercoach.run.model import LaunchError, ensure_model
from leercoach.run.servers import child_environment
from leercoach.settings import PROJECT_ROOT


def main() -> int:
    try:
        model = ensure_model()
    except LaunchError as problem:
        print(f"leercoach: {problem}", file=sys.stderr)
        return 1
    out = PROJECT_ROOT / "reports" / "conversations"
    command = [
        sys.executable,
        "-m",
        "leercoach.run.rasa_cli",
        "test",
        "core",
        "--model",
        str(model),
        "--stories",
        str(PROJECT_ROOT / "tests" / "conversations"),
        "--endpoints",
        str(PROJECT_ROOT / "endpoints.yml"),
        "--out",
        str(out),
        "--fail-on-prediction-errors",
    ]
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=child_environment())
    if result.returncode != 0:
        print(f"Conversation tests failed: see {out / 'failed_test_stories.yml'}", file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
