"""`rasa` with Leercoach's changes to Rasa's behaviour in place (leercoach.rasa_overrides).

    python -m leercoach.run.rasa_cli run|shell|train|test ... (the arguments of `rasa`)

Every Rasa process of the project starts here instead of `python -m rasa`: install() checks
that Rasa is the version the overrides were written for and puts them in place, once, before
Rasa loads a model or forks its Sanic workers.
"""

from __future__ import annotations

import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> None:
    from leercoach import rasa_overrides

    rasa_overrides.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
