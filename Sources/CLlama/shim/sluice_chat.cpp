// Sluice's shim over llama.cpp's `common` library; see ../sluice_chat.h for the contract.
//
// It reuses what llama-server uses (tools/server/server-common.cpp, server-task.cpp,
// server-schema.cpp): common_chat_templates_apply to render, common_chat_parse to read tool calls
// and reasoning back (partially while streaming), and common_sampler to sample. Nothing here
// keeps global state besides the log threshold.

#include "sluice_chat.h"
#include "chat_rendering.h"

#include "chat.h"
#include "common.h"
#include "ggml-cpu.h"
#include "json.h"
#include "log.h"
#include "sampling.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

using json = common_json;

struct sluice_chat_templates {
    common_chat_templates_ptr templates;
    // Rendering is cheap; serialising it keeps the Jinja runtime's internals out of any doubt.
    std::mutex mutex;
};

struct sluice_chat_parser {
    common_chat_parser_params params;
    std::string text;
    std::string sent_reasoning;
    std::string sent_content;
    std::vector<std::string> sent_arguments;  // one per announced tool call
};

struct sluice_sampler {
    common_sampler * sampler;
};

namespace {

std::atomic<int> min_log_level{GGML_LOG_LEVEL_WARN};

char * copy_string(const std::string & value) {
    char * result = static_cast<char *>(std::malloc(value.size() + 1));
    if (result != nullptr) {
        std::memcpy(result, value.data(), value.size());
        result[value.size()] = '\0';
    }
    return result;
}

void set_error(char ** error, const std::string & message) {
    if (error != nullptr) {
        *error = copy_string(message);
    }
}

// Runs `body`, turning any exception into an error string and `fallback`.
template <typename T, typename F> T guarded(char ** error, T fallback, F && body) {
    try {
        return body();
    } catch (const std::exception & exception) {
        set_error(error, exception.what());
    } catch (...) {
        set_error(error, "unknown C++ exception");
    }
    return fallback;
}

void log_to_stderr(ggml_log_level level, const char * text, void *) {
    // Continuation lines carry GGML_LOG_LEVEL_CONT and follow their first line's fate.
    static thread_local bool last_shown = false;
    bool show = level == GGML_LOG_LEVEL_CONT ? last_shown : level >= min_log_level.load();
    last_shown = show;
    if (show) {
        std::fputs(text, stderr);
    }
}

std::string string_field(const json & object, const char * key, const std::string & fallback = "") {
    return object.contains(key) && object.at(key).is_string() ? object.at(key).get<std::string>() : fallback;
}

bool bool_field(const json & object, const char * key, bool fallback) {
    return object.contains(key) && object.at(key).is_boolean() ? object.at(key).get<bool>() : fallback;
}

json render_result(const common_chat_params & params) {
    json triggers = json::array();
    for (const auto & trigger : params.grammar_triggers) {
        json entry = json::object();
        entry["type"] = static_cast<int>(trigger.type);
        entry["value"] = trigger.value;
        triggers.push_back(entry);
    }
    json result = json::object();
    result["prompt"] = params.prompt;
    result["format"] = static_cast<int>(params.format);
    result["grammar"] = params.grammar;
    result["grammar_lazy"] = params.grammar_lazy;
    result["grammar_triggers"] = triggers;
    result["preserved_tokens"] = params.preserved_tokens;
    result["additional_stops"] = params.additional_stops;
    result["parser"] = params.parser;
    result["generation_prompt"] = params.generation_prompt;
    result["supports_thinking"] = params.supports_thinking;
    result["thinking_start_tag"] = params.thinking_start_tag;
    result["thinking_end_tags"] = params.thinking_end_tags;
    return result;
}

common_chat_msg parse_output(const sluice_chat_parser & parser, bool is_final) {
    if (is_final) {
        try {
            return common_chat_parse(parser.text, false, parser.params);
        } catch (const std::exception &) {
            // Output that does not match the format (random weights, a truncated call): keep what
            // a partial parse can read rather than losing the answer.
        }
    }
    return common_chat_parse(parser.text, true, parser.params);
}

// Appends {"kind", "text"} for what `current` adds to `sent`, if it only grows.
void append_growth(json & deltas, const char * kind, const std::string & current, std::string & sent) {
    if (current.size() <= sent.size() || current.compare(0, sent.size(), sent) != 0) {
        return;
    }
    json delta = json::object();
    delta["kind"] = kind;
    delta["text"] = current.substr(sent.size());
    deltas.push_back(delta);
    sent = current;
}

}  // namespace

extern "C" {

void sluice_string_free(char * string) {
    std::free(string);
}

void sluice_set_log_level(int min_level) {
    min_log_level.store(min_level);
    llama_log_set(log_to_stderr, nullptr);
    common_log_set_verbosity_thold(min_level <= GGML_LOG_LEVEL_DEBUG ? LOG_DEFAULT_DEBUG : -1);
}

ggml_threadpool * sluice_threadpool_attach(llama_context * context, int threads) {
    ggml_threadpool_params params = ggml_threadpool_params_default(threads);
    params.poll = 50;  // llama-server's default polling level
    ggml_threadpool * pool = ggml_threadpool_new(&params);
    if (pool != nullptr) {
        llama_attach_threadpool(context, pool, nullptr);
    }
    return pool;
}

void sluice_threadpool_free(ggml_threadpool * pool) {
    if (pool != nullptr) {
        ggml_threadpool_free(pool);
    }
}

sluice_chat_templates * sluice_chat_templates_new(const llama_model * model, char ** error) {
    return guarded<sluice_chat_templates *>(error, nullptr, [&] {
        auto * templates = new sluice_chat_templates();
        templates->templates = common_chat_templates_init(model, "");
        return templates;
    });
}

void sluice_chat_templates_free(sluice_chat_templates * templates) {
    delete templates;
}

char * sluice_chat_apply(sluice_chat_templates * templates, const char * request_json, char ** error) {
    return guarded<char *>(error, nullptr, [&] {
        const json request = json::parse(request_json);
        common_chat_templates_inputs inputs;
        inputs.messages = common_chat_msgs_parse_oaicompat(request.at("messages"));
        inputs.tools = common_chat_tools_parse_oaicompat(request.value("tools", json::array()));
        inputs.tool_choice = common_chat_tool_choice_parse_oaicompat(string_field(request, "tool_choice", "auto"));
        inputs.parallel_tool_calls = bool_field(request, "parallel_tool_calls", true);
        inputs.enable_thinking = bool_field(request, "enable_thinking", true);
        inputs.reasoning_format = common_reasoning_format_from_name(string_field(request, "reasoning_format", "deepseek"));
        if (request.contains("chat_template_kwargs")) {
            for (const auto & item : request.at("chat_template_kwargs").items()) {
                inputs.chat_template_kwargs[item.key()] = item.value().dump();
            }
        }
        inputs.add_generation_prompt = true;

        std::lock_guard<std::mutex> lock(templates->mutex);
        const common_chat_params params =
            sluice::render_chat(templates->templates.get(), inputs, string_field(request, "forced_tool"));
        return copy_string(render_result(params).dump());
    });
}

sluice_chat_parser * sluice_chat_parser_new(const char * params_json, char ** error) {
    return guarded<sluice_chat_parser *>(error, nullptr, [&] {
        const json request = json::parse(params_json);
        auto * parser = new sluice_chat_parser();
        parser->params.format = static_cast<common_chat_format>(request.value("format", 0));
        parser->params.generation_prompt = string_field(request, "generation_prompt");
        parser->params.reasoning_format = common_reasoning_format_from_name(string_field(request, "reasoning_format", "deepseek"));
        parser->params.parse_tool_calls = bool_field(request, "parse_tool_calls", true);
        const std::string definition = string_field(request, "parser");
        if (!definition.empty()) {
            try {
                parser->params.parser.load(definition);
            } catch (...) {
                delete parser;
                throw;
            }
        }
        return parser;
    });
}

void sluice_chat_parser_free(sluice_chat_parser * parser) {
    delete parser;
}

char * sluice_chat_parser_feed(sluice_chat_parser * parser, const char * text, size_t length, bool is_final,
                               char ** error) {
    return guarded<char *>(error, nullptr, [&] {
        parser->text.append(text, length);
        const common_chat_msg message = parse_output(*parser, is_final);
        json deltas = json::array();
        append_growth(deltas, "reasoning", message.reasoning_content, parser->sent_reasoning);
        append_growth(deltas, "content", message.content, parser->sent_content);
        const size_t count = message.tool_calls.size();
        for (size_t index = 0; index < count; index++) {
            const auto & call = message.tool_calls[index];
            if (index == parser->sent_arguments.size()) {
                // A name is complete once its arguments began, a later call appeared, or the end came.
                const bool name_complete = !call.arguments.empty() || index + 1 < count || is_final;
                if (call.name.empty() || !name_complete) {
                    break;
                }
                json start = json::object();
                start["kind"] = "tool_start";
                start["index"] = static_cast<int>(index);
                start["name"] = call.name;
                deltas.push_back(start);
                parser->sent_arguments.emplace_back();
            }
            std::string & sent = parser->sent_arguments[index];
            if (call.arguments.size() > sent.size() && call.arguments.compare(0, sent.size(), sent) == 0) {
                json delta = json::object();
                delta["kind"] = "tool_args";
                delta["index"] = static_cast<int>(index);
                delta["text"] = call.arguments.substr(sent.size());
                deltas.push_back(delta);
                sent = call.arguments;
            }
        }
        return copy_string(deltas.dump_safe());
    });
}

sluice_sampler * sluice_sampler_new(const llama_model * model, const char * params_json, char ** error) {
    return guarded<sluice_sampler *>(error, nullptr, [&] {
        const json request = json::parse(params_json);
        const llama_vocab * vocab = llama_model_get_vocab(model);
        common_params_sampling params;
        params.seed = request.value("seed", static_cast<unsigned int>(LLAMA_DEFAULT_SEED));
        params.temp = request.value("temperature", params.temp);
        params.top_k = request.value("top_k", params.top_k);
        params.top_p = request.value("top_p", params.top_p);
        params.min_p = request.value("min_p", params.min_p);
        params.penalty_repeat = request.value("repeat_penalty", params.penalty_repeat);
        params.penalty_last_n = request.value("repeat_last_n", params.penalty_last_n);
        params.penalty_freq = request.value("frequency_penalty", params.penalty_freq);
        params.penalty_present = request.value("presence_penalty", params.penalty_present);
        params.generation_prompt = string_field(request, "generation_prompt");
        params.grammar_lazy = bool_field(request, "grammar_lazy", false);

        // As llama-server's schema does: preserved tokens are single tokens; a trigger word that is
        // one token becomes a token trigger.
        if (request.contains("preserved_tokens")) {
            for (const auto & piece : request.at("preserved_tokens")) {
                auto ids = common_tokenize(vocab, piece.get<std::string>(), false, true);
                if (ids.size() == 1) {
                    params.preserved_tokens.insert(ids[0]);
                }
            }
        }
        if (request.contains("grammar_triggers")) {
            for (const auto & entry : request.at("grammar_triggers")) {
                common_grammar_trigger trigger;
                trigger.type = static_cast<common_grammar_trigger_type>(entry.at("type").get<int>());
                trigger.value = entry.at("value").get<std::string>();
                if (trigger.type == COMMON_GRAMMAR_TRIGGER_TYPE_WORD) {
                    auto ids = common_tokenize(vocab, trigger.value, false, true);
                    if (ids.size() == 1 && params.preserved_tokens.count(ids[0]) > 0) {
                        trigger.type = COMMON_GRAMMAR_TRIGGER_TYPE_TOKEN;
                        trigger.token = ids[0];
                    }
                }
                params.grammar_triggers.push_back(trigger);
            }
        }
        // The reasoning budget, read as llama-server's schema reads it: tags as token sequences,
        // the first end tag forced once the budget is spent. With no budget (-1) common still
        // tracks the block when a lazy grammar needs to know whether it is inside reasoning.
        const std::string start_tag = string_field(request, "reasoning_budget_start_tag");
        if (!start_tag.empty()) {
            params.reasoning_budget_start = common_tokenize(vocab, start_tag, false, true);
        }
        if (request.contains("reasoning_budget_end_tags")) {
            for (const auto & tag : request.at("reasoning_budget_end_tags")) {
                const std::string text = tag.get<std::string>();
                if (!text.empty()) {
                    params.reasoning_budget_end.push_back(common_tokenize(vocab, text, false, true));
                }
            }
        }
        if (!params.reasoning_budget_end.empty()) {
            params.reasoning_budget_forced = params.reasoning_budget_end.front();
        }
        params.reasoning_budget_tokens = request.value("reasoning_budget_tokens", -1);

        const std::string grammar = string_field(request, "grammar");
        if (!grammar.empty()) {
            params.grammar = common_grammar(COMMON_GRAMMAR_TYPE_TOOL_CALLS, grammar);
            if (params.grammar_lazy && params.grammar_triggers.empty()) {
                throw std::invalid_argument("a lazy grammar needs triggers");
            }
        }
        common_sampler * sampler = common_sampler_init(model, params);
        if (sampler == nullptr) {
            throw std::runtime_error("the sampler could not be created (invalid grammar?)");
        }
        return new sluice_sampler{sampler};
    });
}

void sluice_sampler_free(sluice_sampler * sampler) {
    if (sampler != nullptr) {
        common_sampler_free(sampler->sampler);
        delete sampler;
    }
}

int32_t sluice_sampler_sample(sluice_sampler * sampler, llama_context * context, int32_t index) {
    return guarded<int32_t>(nullptr, -1, [&] {
        const llama_token token = common_sampler_sample(sampler->sampler, context, index);
        common_sampler_accept(sampler->sampler, token, true);
        return static_cast<int32_t>(token);
    });
}

}  // extern "C"
