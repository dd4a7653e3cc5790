"""Where the project's files live, relative to the checkout."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "config.yml"
DOMAIN_PATH = ROOT / "domain.yml"
NLU_DIR = ROOT / "nlu_data"
NORMALISATION_PATH = NLU_DIR / "normalisasi.yml"
FAQ_DIR = ROOT / "faq"
MODELS_DIR = ROOT / "models"
BUILD_DIR = ROOT / "build"
