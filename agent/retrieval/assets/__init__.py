"""Package data for retrieval: the MiniLM tokenizer (see NOTICE-minilm-tokenizer.md)."""

from pathlib import Path

ASSETS_DIR = Path(__file__).parent
MINILM_TOKENIZER = ASSETS_DIR / "minilm_tokenizer.json"
