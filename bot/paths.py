"""Where the project's files live, relative to the checkout."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "config.yml"
DOMAIN_PATH = ROOT / "domain.yml"
NLU_DIR = ROOT / "nlu_data"
NORMALISATION_PATH = NLU_DIR / "normalisasi.yml"
#: Trained models; TANYA_MODELS_DIR points a process (e.g. a background training in a test) elsewhere.
MODELS_DIR = Path(os.environ.get("TANYA_MODELS_DIR") or ROOT / "models")
BUILD_DIR = ROOT / "build"
