#!/usr/bin/env python3
"""Writes a small llama-architecture GGUF model with random weights, for testing the embedded engine.

The weights are random, so the model writes random text: tests check plumbing and invariants
(streams, usage, prefix reuse, stop sequences, tool-call grammars), never wording.

    make_tiny_gguf.py OUT.gguf [--template FAMILY] [--templates DIR] [--answers-end] [--embd 64] [--layers 2] [--ff 128]
                      [--heads 4] [--kv-heads 2] [--context 32768] [--extra-vocab 0] [--dtype f32|f16] [--seed 1]
                      [--pooling none|mean|cls|last]

--pooling writes `llama.pooling_type`, which makes the model an embedding model for llama.cpp: a
context with embeddings on pools each sequence that way (llama.cpp reads the key for every
architecture). Random weights give random but deterministic vectors.

Vocabulary: SentencePiece-style (`llama` tokenizer model) with <unk>, the family's special tokens,
the 256 byte tokens and printable ASCII, plus --extra-vocab random pieces (for benchmark-sized
models). `add_space_prefix` is off so text round-trips exactly. The output rows of control tokens
and non-ASCII bytes are zero, so sampling rarely picks them and random answers run to max_tokens
as plain ASCII.

--answers-end makes answers end on their own instead (sampled at temperature 1, a median of
about 18 tokens before the end token), for clients such as Claude Code that treat a cut answer as an
error: embedding dimension 0 is the constant 1 and no layer writes to it, so the end token, whose
output row reads only that dimension, gets a steady logit near the top of the random ones.

Templates (stored as tokenizer.chat_template), written here:
  chat   ChatML with tools (Qwen 2.5 style: <tool_call>{"name": …, "arguments": …}</tool_call>)
  think  ChatML with tools whose generation prompt opens a <think> block (QwQ style), so every
         answer starts as reasoning; enable_thinking=false closes it at once.

Families whose real template ships with llama.cpp (models/templates in the source that
scripts/build-llama unpacks; never copied into this repository): llama3 (3.1), mistral (Nemo),
gpt-oss, deepseek-r1 (R1 Distill Qwen), deepseek-v3.1, qwen3, qwen3-coder, devstral (Small 2507),
glm-4.6, glm-4.7 (4.7 Flash), ministral-3 (14B Reasoning 2512). Their special tokens are typed as
llama.cpp's converter types them (`<|…|>`, `<｜…｜>`, GLM's `[gMASK]` and `<sop>` and Mistral's `[…]`
CONTROL; `<think>`, `<tool_call>`, `<arg_key>` and the like USER_DEFINED), with the family's BOS,
EOS (plus GLM's EOT and EOM) and add-BOS setting; llama.cpp infers the other end-of-generation
tokens from their text. The templates are read from
--templates, else from $SLUICE_CACHE/llama-VERSION/src/models/templates with VERSION read from
scripts/build-llama, so the pinned version is written in one place.

Needs the `gguf` package (0.19.0) and numpy.
"""

from __future__ import annotations

import argparse
import os
import re
import string
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

try:
    import gguf
except ImportError:  # pragma: no cover - reported to the caller
    sys.exit("make_tiny_gguf.py needs the gguf package: pip install gguf==0.19.0")

_TOOLS_HEADER = (
    "{%- if tools %}\n"
    "    {{- '<|im_start|>system\\n' }}\n"
    "    {%- if messages[0]['role'] == 'system' %}\n"
    "        {{- messages[0]['content'] + '\\n\\n' }}\n"
    "    {%- endif %}\n"
    "    {{- \"# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\n"
    "You are provided with function signatures within <tools></tools> XML tags:\\n<tools>\" }}\n"
    "    {%- for tool in tools %}\n"
    "        {{- \"\\n\" }}\n"
    "        {{- tool | tojson }}\n"
    "    {%- endfor %}\n"
    "    {{- \"\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments "
    "within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\\"name\\\": <function-name>, \\\"arguments\\\": "
    "<args-json-object>}\\n</tool_call><|im_end|>\\n\" }}\n"
    "{%- else %}\n"
    "    {%- if messages[0]['role'] == 'system' %}\n"
    "        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}\n"
    "    {%- endif %}\n"
    "{%- endif %}\n"
)

_MESSAGES = (
    "{%- for message in messages %}\n"
    "    {%- if (message.role == \"user\") or (message.role == \"system\" and not loop.first) %}\n"
    "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n"
    "    {%- elif message.role == \"assistant\" %}\n"
    "        {%- set content = message.content if message.content else '' %}\n"
    "        {%- if THINKING and message.reasoning_content %}\n"
    "            {%- set content = '<think>\\n' + message.reasoning_content + '\\n</think>\\n\\n' + content %}\n"
    "        {%- endif %}\n"
    "        {{- '<|im_start|>' + message.role }}\n"
    "        {%- if content %}\n"
    "            {{- '\\n' + content }}\n"
    "        {%- endif %}\n"
    "        {%- for tool_call in message.tool_calls %}\n"
    "            {%- if tool_call.function is defined %}\n"
    "                {%- set tool_call = tool_call.function %}\n"
    "            {%- endif %}\n"
    "            {{- '\\n<tool_call>\\n{\"name\": \"' }}\n"
    "            {{- tool_call.name }}\n"
    "            {{- '\", \"arguments\": ' }}\n"
    "            {%- if tool_call.arguments is string %}\n"
    "                {{- tool_call.arguments }}\n"
    "            {%- else %}\n"
    "                {{- tool_call.arguments | tojson }}\n"
    "            {%- endif %}\n"
    "            {{- '}\\n</tool_call>' }}\n"
    "        {%- endfor %}\n"
    "        {{- '<|im_end|>\\n' }}\n"
    "    {%- elif message.role == \"tool\" %}\n"
    "        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != \"tool\") %}\n"
    "            {{- '<|im_start|>user' }}\n"
    "        {%- endif %}\n"
    "        {{- '\\n<tool_response>\\n' }}\n"
    "        {{- message.content }}\n"
    "        {{- '\\n</tool_response>' }}\n"
    "        {%- if loop.last or (messages[loop.index0 + 1].role != \"tool\") %}\n"
    "            {{- '<|im_end|>\\n' }}\n"
    "        {%- endif %}\n"
    "    {%- endif %}\n"
    "{%- endfor %}\n"
)

CHAT_TEMPLATE = (_TOOLS_HEADER + _MESSAGES.replace("THINKING", "false")
                 + "{%- if add_generation_prompt %}\n    {{- '<|im_start|>assistant\\n' }}\n{%- endif %}\n")

THINK_TEMPLATE = (_TOOLS_HEADER + _MESSAGES.replace("THINKING", "true")
                  + "{%- if add_generation_prompt %}\n"
                    "    {{- '<|im_start|>assistant\\n' }}\n"
                    "    {%- if enable_thinking is defined and enable_thinking is false %}\n"
                    "        {{- '<think>\\n\\n</think>\\n\\n' }}\n"
                    "    {%- else %}\n"
                    "        {{- '<think>\\n' }}\n"
                    "    {%- endif %}\n"
                    "{%- endif %}\n")


@dataclass(frozen=True)
class Family:
    """A chat-template family: its template and the special tokens the template and its output use."""

    control: tuple[str, ...]
    user_defined: tuple[str, ...] = ()  # rendered as text even when generated
    bos: str = "<s>"
    eos: str = "</s>"
    eot: str | None = None  # written only by the converters that set them (GLM's)
    eom: str | None = None
    add_bos: bool = False
    template: str | None = None  # written here
    template_file: str | None = None  # in llama.cpp's models/templates


_CHATML_TAGS = ("<tool_call>", "</tool_call>", "<think>", "</think>")
_DEEPSEEK = tuple(f"<｜{name}｜>" for name in (
    "begin▁of▁sentence", "end▁of▁sentence", "User", "Assistant", "tool▁calls▁begin", "tool▁calls▁end",
    "tool▁call▁begin", "tool▁call▁end", "tool▁sep", "tool▁outputs▁begin", "tool▁outputs▁end",
    "tool▁output▁begin", "tool▁output▁end"))
_MISTRAL = ("<s>", "</s>", "[INST]", "[/INST]", "[AVAILABLE_TOOLS]", "[/AVAILABLE_TOOLS]", "[TOOL_RESULTS]",
            "[/TOOL_RESULTS]", "[TOOL_CALLS]")
# The later Tekken vocabularies (Devstral, Mistral Small 3.2) add these; Magistral and Ministral 3 the THINK pair.
_TEKKEN = _MISTRAL + ("[SYSTEM_PROMPT]", "[/SYSTEM_PROMPT]", "[TOOL_CONTENT]", "[ARGS]", "[CALL_ID]")
_QWEN3_TAGS = ("<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>", "<think>", "</think>")
# GLM's tokenizer marks its tags as not special, so the converter makes them USER_DEFINED.
_GLM = ("<|endoftext|>", "[MASK]", "[gMASK]", "[sMASK]", "<sop>", "<eop>", "<|system|>", "<|user|>", "<|assistant|>",
        "<|observation|>")
_GLM_TAGS = ("<think>", "</think>", "<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>", "<arg_key>",
             "</arg_key>", "<arg_value>", "</arg_value>", "/nothink")

FAMILIES = {
    "chat": Family(("<s>", "</s>", "<|im_start|>", "<|im_end|>"), _CHATML_TAGS, eos="<|im_end|>", template=CHAT_TEMPLATE),
    "think": Family(("<s>", "</s>", "<|im_start|>", "<|im_end|>"), _CHATML_TAGS, eos="<|im_end|>",
                    template=THINK_TEMPLATE),
    "llama3": Family(
        ("<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
         "<|eom_id|>", "<|python_tag|>"),
        bos="<|begin_of_text|>", eos="<|eot_id|>", add_bos=True, template_file="meta-llama-Llama-3.1-8B-Instruct.jinja"),
    "mistral": Family(_MISTRAL, add_bos=True, template_file="mistralai-Mistral-Nemo-Instruct-2407.jinja"),
    "gpt-oss": Family(
        ("<|startoftext|>", "<|endoftext|>", "<|return|>", "<|constrain|>", "<|channel|>", "<|start|>", "<|end|>",
         "<|message|>", "<|call|>"),
        bos="<|startoftext|>", eos="<|return|>", template_file="openai-gpt-oss-120b.jinja"),
    "deepseek-r1": Family(_DEEPSEEK, ("<think>", "</think>"), bos=_DEEPSEEK[0], eos=_DEEPSEEK[1], add_bos=True,
                          template_file="deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja"),
    "deepseek-v3.1": Family(_DEEPSEEK, ("<think>", "</think>"), bos=_DEEPSEEK[0], eos=_DEEPSEEK[1], add_bos=True,
                            template_file="deepseek-ai-DeepSeek-V3.1.jinja"),
    "qwen3": Family(("<|endoftext|>", "<|im_start|>", "<|im_end|>"), _QWEN3_TAGS, bos="<|endoftext|>", eos="<|im_end|>",
                    template_file="Qwen-Qwen3-0.6B.jinja"),
    "qwen3-coder": Family(("<|endoftext|>", "<|im_start|>", "<|im_end|>"), _QWEN3_TAGS, bos="<|endoftext|>",
                          eos="<|im_end|>", template_file="Qwen3-Coder.jinja"),
    "devstral": Family(_TEKKEN, add_bos=True, template_file="unsloth-mistral-Devstral-Small-2507.jinja"),
    # The converter sets GLM's BOS to [gMASK] (which its templates write), EOT to <|user|> and EOM to <|observation|>.
    "glm-4.6": Family(_GLM, _GLM_TAGS, bos="[gMASK]", eos="<|endoftext|>", eot="<|user|>", eom="<|observation|>",
                      template_file="GLM-4.6.jinja"),
    "glm-4.7": Family(_GLM, _GLM_TAGS, bos="[gMASK]", eos="<|endoftext|>", eot="<|user|>", eom="<|observation|>",
                      template_file="GLM-4.7-Flash.jinja"),
    "mistral-small-3.2": Family(_TEKKEN, add_bos=True, template_file="Mistral-Small-3.2-24B-Instruct-2506.jinja"),
    "ministral-3": Family(_TEKKEN + ("[THINK]", "[/THINK]"), add_bos=True,
                          template_file="mistralai-Ministral-3-14B-Reasoning-2512.jinja"),
}


def llama_cpp_templates() -> Path:
    """models/templates in the llama.cpp source scripts/build-llama unpacked."""
    build_script = Path(__file__).resolve().parents[2] / "scripts" / "build-llama"
    version = re.search(r"^version=(\S+)$", build_script.read_text(), re.MULTILINE)
    if version is None:
        sys.exit(f"no version= line in {build_script}")
    cache = Path(os.environ.get("SLUICE_CACHE") or Path.home() / ".cache" / "sluice")
    return cache / f"llama-{version.group(1)}" / "src" / "models" / "templates"


def chat_template(family: Family, templates: Path | None) -> str:
    if family.template is not None:
        return family.template
    path = (templates or llama_cpp_templates()) / family.template_file
    if not path.is_file():
        sys.exit(f"{path} is missing: run scripts/build-llama (it unpacks the llama.cpp source) or pass --templates")
    return path.read_text(encoding="utf-8")

# The end token's logit with --answers-end, measured: 20 gives a median answer of ~46 tokens, 23 of
# ~18, 25 of ~8 (the other logits have a spread of about 8).
ANSWER_END_LOGIT = 23.0

_COMMON_PIECES = [
    "▁the", "▁a", "▁to", "▁of", "▁and", "▁is", "▁in", "▁it", "▁you", "▁that", "▁for", "▁on", "▁with", "▁as",
    "▁be", "▁this", "▁are", "▁was", "▁I", "▁can", "▁not", "ing", "ed", "er", "es", "en", "th", "he", "in", "an",
    "re", "on", "at", "or", "nd", "ou", "st", "▁H", "ello", "▁hello", "▁world", "▁name", "▁city", "\"name\"",
    "\"arguments\"", "{\"", "\":", "\",", "▁{", "}}", "▁\"", "_call", "tool", "\n\n",
]


def build_vocab(family: Family, extra: int, rng: np.random.Generator) -> tuple[list[str], list[float], list[int]]:
    tokens: list[str] = []
    types: list[int] = []

    def add(text: str, kind: int) -> None:
        tokens.append(text)
        types.append(kind)

    T = gguf.TokenType
    add("<unk>", T.UNKNOWN)
    for text in family.control:
        add(text, T.CONTROL)
    for text in family.user_defined:
        add(text, T.USER_DEFINED)
    for byte in range(256):
        add(f"<0x{byte:02X}>", T.BYTE)
    seen = set(tokens)
    pieces = ["▁"] + [c for c in string.printable if c not in " \t\n\r\x0b\x0c"] + ["\n"] + _COMMON_PIECES
    alphabet = list(string.ascii_lowercase + string.ascii_uppercase)
    while len(pieces) < len(_COMMON_PIECES) + 100 + extra:
        length = int(rng.integers(2, 8))
        piece = ("▁" if rng.random() < 0.5 else "") + "".join(rng.choice(alphabet, size=length))
        pieces.append(piece)
    for piece in pieces:
        if piece not in seen:
            seen.add(piece)
            add(piece, T.NORMAL)
    # SentencePiece merges the highest-scoring pair first: longer pieces score higher.
    scores = [0.0 if kind != T.NORMAL else -1000.0 + 10.0 * len(text) - i * 1e-3
              for i, (text, kind) in enumerate(zip(tokens, types))]
    return tokens, scores, types


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--template", choices=sorted(FAMILIES), default="chat")
    parser.add_argument("--templates", type=Path, help="llama.cpp's models/templates directory")
    parser.add_argument("--embd", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--ff", type=int, default=128)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--kv-heads", type=int, default=2)
    parser.add_argument("--context", type=int, default=32768)
    parser.add_argument("--extra-vocab", type=int, default=0)
    parser.add_argument("--dtype", choices=["f32", "f16"], default="f32")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--answers-end", action="store_true")
    parser.add_argument("--pooling", choices=["none", "mean", "cls", "last"], default="none")
    args = parser.parse_args()

    family = FAMILIES[args.template]
    template = chat_template(family, args.templates)
    rng = np.random.default_rng(args.seed)
    tokens, scores, types = build_vocab(family, args.extra_vocab, rng)
    n_vocab, n_embd, n_ff = len(tokens), args.embd, args.ff
    head_dim = n_embd // args.heads
    n_embd_kv = head_dim * args.kv_heads
    dtype = np.float16 if args.dtype == "f16" else np.float32

    writer = gguf.GGUFWriter(args.output, "llama")
    writer.add_name(f"sluice-tiny-{args.template}")
    writer.add_context_length(args.context)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(args.layers)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(args.heads)
    writer.add_head_count_kv(args.kv_heads)
    writer.add_rope_dimension_count(head_dim)
    writer.add_layer_norm_rms_eps(1e-5)
    if args.pooling != "none":
        writer.add_pooling_type(gguf.PoolingType[args.pooling.upper()])
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if args.dtype == "f16" else gguf.LlamaFileType.ALL_F32)
    writer.add_vocab_size(n_vocab)

    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_unk_token_id(0)
    writer.add_bos_token_id(tokens.index(family.bos))
    writer.add_eos_token_id(tokens.index(family.eos))
    if family.eot is not None:
        writer.add_eot_token_id(tokens.index(family.eot))
    if family.eom is not None:
        writer.add_eom_token_id(tokens.index(family.eom))
    writer.add_add_bos_token(family.add_bos)
    writer.add_add_space_prefix(False)
    writer.add_chat_template(template)

    def weight(*shape: int, scale: float | None = None) -> np.ndarray:
        fan_in = shape[-1]
        return (rng.standard_normal(shape, dtype=np.float32) * (scale or fan_in ** -0.5)).astype(dtype)

    output = weight(n_vocab, n_embd, scale=1.0)
    for index, (text, kind) in enumerate(zip(tokens, types)):
        is_high_byte = kind == gguf.TokenType.BYTE and int(text[3:5], 16) >= 0x80
        if kind != gguf.TokenType.NORMAL and (kind != gguf.TokenType.BYTE or is_high_byte):
            output[index] = 0
    embeddings = weight(n_vocab, n_embd, scale=1.0)
    if args.answers_end:
        end = tokens.index(family.eos)
        embeddings[:, 0] = 1
        output[:, 0] = 0
        output[end] = 0
        output[end, 0] = ANSWER_END_LOGIT
    # Norm weights stay float32, as llama.cpp's converters write them.
    writer.add_tensor("token_embd.weight", embeddings)
    writer.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    writer.add_tensor("output.weight", output)
    for block in range(args.layers):
        prefix = f"blk.{block}"
        q, k, v = weight(n_embd, n_embd), weight(n_embd_kv, n_embd), weight(n_embd_kv, n_embd)
        attn_output = weight(n_embd, n_embd)
        gate, up, down = weight(n_ff, n_embd), weight(n_ff, n_embd), weight(n_embd, n_ff)
        if args.answers_end:  # dimension 0 stays the constant the end token reads
            attn_output[0] = 0
            down[0] = 0
        writer.add_tensor(f"{prefix}.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        writer.add_tensor(f"{prefix}.attn_q.weight", q)
        writer.add_tensor(f"{prefix}.attn_k.weight", k)
        writer.add_tensor(f"{prefix}.attn_v.weight", v)
        writer.add_tensor(f"{prefix}.attn_output.weight", attn_output)
        writer.add_tensor(f"{prefix}.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        writer.add_tensor(f"{prefix}.ffn_gate.weight", gate)
        writer.add_tensor(f"{prefix}.ffn_up.weight", up)
        writer.add_tensor(f"{prefix}.ffn_down.weight", down)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    main()
