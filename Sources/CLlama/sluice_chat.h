// Sluice's C surface over llama.cpp's C++ `common` library: chat templates (Jinja, tools,
// reasoning), the streaming tool-call/reasoning parser, and the sampler llama-server uses
// (penalties, top-k/p, min-p, temperature, seed, grammar with lazy triggers).
//
// Everything crosses as JSON strings so the ABI stays trivial. Returned strings are owned by the
// caller and freed with sluice_string_free. A function that fails returns NULL and, when `error`
// is not NULL, stores a message there (also freed with sluice_string_free). No C++ exception
// crosses this boundary.
//
// The implementation is in Sources/CLlama/shim/ (sluice_chat.cpp, chat_rendering.cpp), compiled
// by scripts/build-llama into libsluice-llama-shim.so against the pinned llama.cpp headers.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct llama_model;
struct llama_context;
struct ggml_threadpool;

typedef struct sluice_chat_templates sluice_chat_templates;
typedef struct sluice_chat_parser sluice_chat_parser;
typedef struct sluice_sampler sluice_sampler;

void sluice_string_free(char *string);

/// Routes llama.cpp's and common's logging: messages below `min_level` (a ggml_log_level:
/// 1 debug, 2 info, 3 warn, 4 error) are dropped, the rest go to stderr.
void sluice_set_log_level(int min_level);

/// Creates a persistent CPU thread pool of `threads` threads (busy-polling briefly between graph
/// nodes, as llama-server's does) and attaches it to `context`; without one, ggml starts and joins
/// its threads on every decode. NULL on failure (the context then keeps ggml's default).
struct ggml_threadpool *sluice_threadpool_attach(struct llama_context *context, int threads);

/// Frees a pool from sluice_threadpool_attach, after the context using it was freed.
void sluice_threadpool_free(struct ggml_threadpool *pool);

/// The chat templates stored in the model's GGUF (`tokenizer.chat_template`).
sluice_chat_templates *sluice_chat_templates_new(const struct llama_model *model, char **error);
void sluice_chat_templates_free(sluice_chat_templates *templates);

/// Renders a conversation. `request_json`:
///   {"messages": [OpenAI-style messages], "tools": [OpenAI-style tools],
///    "tool_choice": "auto"|"required"|"none", "forced_tool": NAME?, "parallel_tool_calls": bool,
///    "enable_thinking": bool, "reasoning_format": "deepseek"|"none", "chat_template_kwargs": {}}
/// Returns {"prompt", "format", "grammar", "grammar_lazy", "grammar_triggers": [{"type","value"}],
///   "preserved_tokens", "additional_stops", "parser", "generation_prompt", "supports_thinking",
///   "thinking_start_tag", "thinking_end_tags"}. Safe to call from any thread.
char *sluice_chat_apply(sluice_chat_templates *templates, const char *request_json, char **error);

/// A parser for one response. `params_json`: {"format", "parser", "generation_prompt",
///   "reasoning_format", "parse_tool_calls"} (the fields sluice_chat_apply returned).
sluice_chat_parser *sluice_chat_parser_new(const char *params_json, char **error);
void sluice_chat_parser_free(sluice_chat_parser *parser);

/// Feeds generated text (UTF-8, `length` bytes) and returns what became final since the last
/// call, in order, as a JSON array of {"kind": "reasoning"|"content", "text"},
/// {"kind": "tool_start", "index", "name"} and {"kind": "tool_args", "index", "text"}. With
/// `is_final` the whole output is parsed as complete. Tool arguments' fragments concatenate to
/// their JSON; a tool call starts only once its name is complete.
char *sluice_chat_parser_feed(sluice_chat_parser *parser, const char *text, size_t length, bool is_final,
                              char **error);

/// llama-server's sampler for one sequence. `params_json`: {"seed", "temperature", "top_k",
///   "top_p", "min_p", "repeat_penalty", "repeat_last_n", "frequency_penalty", "presence_penalty",
///   "grammar", "grammar_lazy", "grammar_triggers", "preserved_tokens", "generation_prompt",
///   "reasoning_budget_tokens", "reasoning_budget_start_tag", "reasoning_budget_end_tags"}
///   (all optional; the tags are sluice_chat_apply's thinking_start_tag and thinking_end_tags).
sluice_sampler *sluice_sampler_new(const struct llama_model *model, const char *params_json, char **error);
void sluice_sampler_free(sluice_sampler *sampler);

/// Samples from the logits of batch position `index` and accepts the token; -1 on failure.
int32_t sluice_sampler_sample(sluice_sampler *sampler, struct llama_context *context, int32_t index);

#ifdef __cplusplus
}
#endif
