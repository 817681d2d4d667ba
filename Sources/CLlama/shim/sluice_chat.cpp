// Sluice's shim over llama.cpp's `common` library; see ../sluice_chat.h for the contract.
//
// It reuses what llama-server uses (tools/server/server-common.cpp, server-task.cpp,
// server-schema.cpp): common_chat_templates_apply to render, common_chat_parse to read tool calls
// and reasoning back (partially while streaming), and common_sampler to sample. Nothing here
// keeps global state besides the log threshold.

#include "sluice_chat.h"

#include "chat.h"
#include "chat-peg-parser.h"
#include "common.h"
#include "ggml-cpu.h"
#include "json-schema-to-grammar.h"
#include "json.h"
#include "log.h"
#include "sampling.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <regex>
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

// The grammar with `pattern` removed from its root rule.
std::string remove_from_root_rule(const std::string & grammar, const std::regex & pattern) {
    static const std::regex root_line(R"((^|\n)root ::= [^\n]*)");
    std::smatch match;
    if (!std::regex_search(grammar, match, root_line)) {
        return grammar;
    }
    const std::string tightened = std::regex_replace(match.str(), pattern, "");
    return grammar.substr(0, match.position()) + tightened + grammar.substr(match.position() + match.length());
}

// A forced call (tool_choice required) must be the answer, not something the model may reach
// after free text: common's grammars allow text up to the first call tag (`until-N?` right before
// `tool-calls` in the autoparser's root rule, see analyze_tools::build_parser; `until-N space`
// before `tool-call` in the Qwen3-Coder and Ministral 3 handlers'); drop that allowance.
// Reasoning before the call stays allowed.
std::string forbid_text_before_tool_calls(const std::string & grammar) {
    static const std::regex text_before_calls(R"(\s+until-\d+\??(?=(\s+space)?\s+tool-call))");
    return remove_from_root_rule(grammar, text_before_calls);
}

// With thinking off, a forced call comes first. Templates with a thinking block close it in the
// generation prompt; gpt-oss has none, and its grammar lets analysis and commentary messages
// precede the call (`root ::= (start any)* start tool-call`, see common_chat_params_init_gpt_oss).
std::string forbid_messages_before_tool_call(const std::string & grammar) {
    static const std::regex messages_before_call(R"(\(start any\)\*\s*(?=start tool-call\b))");
    return remove_from_root_rule(grammar, messages_before_call);
}

// With thinking off, a forced call comes first, but some grammars let a reasoning block precede it
// (`("[THINK]" until-N "[/THINK]")?` in the root rule) though the generation prompt holds none:
// common's Ministral 3 handler always does (Ministral 3's template cannot turn thinking off, and
// Devstral's gets the same handler), GLM 4.7's prompt only closes the block. Drop that block,
// unless the generation prompt opens it, which the grammar then reads first.
std::string forbid_reasoning_before_tool_call(const std::string & grammar, const common_chat_params & params) {
    const std::string & start = params.thinking_start_tag;
    if (start.empty() || params.generation_prompt.find(start) != std::string::npos) {
        return grammar;
    }
    static const std::regex regex_special(R"([.^$|()\[\]{}*+?\\])");
    const std::string opening = std::regex_replace(gbnf_format_literal(start), regex_special, R"(\$&)");
    return remove_from_root_rule(grammar, std::regex(R"(\()" + opening + R"([^()]*\)\?)"));
}

// With parallel tool calls off, one call ends the answer. common's grammar for formats with a
// tag per call repeats the tagged call regardless (`tool-calls ::= (tool-call space)+`).
std::string allow_one_tool_call(const std::string & grammar) {
    static const std::regex repeated_calls(R"((^|\n)tool-calls ::= \((tool-call) space\)\+)");
    return std::regex_replace(grammar, repeated_calls, "$1tool-calls ::= $2 space");
}

// The GBNF of an unquoted string value that keeps to `schema` and is followed by `close`; empty
// when the schema allows any string.
std::string raw_string_grammar(const json & schema, const std::string & close) {
    if (schema.contains("enum") && schema.at("enum").is_array() && !schema.at("enum").empty()) {
        std::string alternatives;
        for (const auto & value : schema.at("enum")) {
            if (!value.is_string()) {
                return "";
            }
            alternatives += (alternatives.empty() ? "" : " | ") + gbnf_format_literal(value.get<std::string>());
        }
        return "(" + alternatives + ")";
    }
    if (schema.contains("const") && schema.at("const").is_string()) {
        return gbnf_format_literal(schema.at("const").get<std::string>());
    }
    // Longer limits are no limit to llama.cpp's grammars (MAX_REPETITION_THRESHOLD).
    const int max_length = schema.contains("maxLength") && schema.at("maxLength").is_number_integer()
                               ? schema.at("maxLength").get<int>() : -1;
    if (max_length < 0 || max_length > 2000 || schema.contains("pattern") || schema.contains("format")) {
        return "";
    }
    const int min_length = std::min(schema.value("minLength", 0), max_length);
    // Any character but the closing tag's first, so the value cannot run into the tag.
    const std::string first = close.substr(0, 1);
    if (static_cast<unsigned char>(first[0]) >= 0x80) {
        return "";
    }
    const std::string excluded = first == "\n" ? "\\n" : first == "]" || first == "\\" || first == "^" ? "\\" + first : first;
    return "[^" + excluded + "]{" + std::to_string(min_length) + "," + std::to_string(max_length) + "}";
}

// Formats that write arguments as tagged text (Qwen3-Coder's `<parameter=city>\nParis\n</parameter>`,
// GLM's `<arg_value>Paris</arg_value>`) take a string argument as any text up to its closing tag:
// common's grammar drops the schema's enum, const and maxLength there, which JSON formats keep.
// Put them back. Each such argument's rule, `tool-NAME-arg-KEY`, ends in the rule for "text, then
// the closing tag", `ac-ID` (directly or through one alias), where ID is the parser node whose
// delimiter is that tag; that ending becomes the allowed values, then the tag.
std::string keep_string_arguments_to_schemas(const std::string & grammar, const json & nodes,
                                             const std::vector<common_chat_tool> & tools) {
    std::vector<std::string> lines;
    std::map<std::string, size_t> rule_lines;
    size_t start = 0;
    while (start < grammar.size()) {
        size_t end = grammar.find('\n', start);
        if (end == std::string::npos) {
            end = grammar.size();
        }
        lines.push_back(grammar.substr(start, end - start));
        const size_t separator = lines.back().find(" ::= ");
        if (separator != std::string::npos) {
            rule_lines[lines.back().substr(0, separator)] = lines.size() - 1;
        }
        start = end + 1;
    }
    auto body = [&](const std::string & name) -> std::string {
        auto found = rule_lines.find(name);
        return found == rule_lines.end() ? "" : lines[found->second].substr(name.size() + 5);
    };
    static const std::regex invalid_rule_characters("[^a-zA-Z0-9-]+");  // as common's rule names
    static const std::regex last_symbol(R"((^|\s)([a-zA-Z0-9-]+)$)");
    static const std::regex string_until_tag(R"(ac-(\d+))");
    for (const auto & tool : tools) {
        const json parameters = json::parse(tool.parameters.empty() ? "{}" : tool.parameters);
        if (!parameters.contains("properties") || !parameters.at("properties").is_object()) {
            continue;
        }
        for (const auto & [key, schema] : parameters.at("properties").items()) {
            const std::string name = std::regex_replace("tool-" + tool.name + "-arg-" + key, invalid_rule_characters, "-");
            const std::string rule = body(name);
            std::smatch symbol;
            if (!std::regex_search(rule, symbol, last_symbol)) {
                continue;
            }
            std::string target = symbol.str(2);
            if (std::regex_match(body(target), string_until_tag)) {
                target = body(target);
            }
            std::smatch node;
            if (!std::regex_match(target, node, string_until_tag)) {
                continue;
            }
            const size_t id = std::stoul(node.str(1));
            if (id >= nodes.size() || nodes[id].value("type", "") != "ac" || nodes[id].value("delimiters", json::array()).empty()) {
                continue;
            }
            const std::string close = nodes[id].at("delimiters").at(0).get<std::string>();
            const std::string value = close.empty() ? "" : raw_string_grammar(schema, close);
            if (value.empty()) {
                continue;
            }
            lines[rule_lines[name]] = name + " ::= " + rule.substr(0, symbol.position(2)) + value + " " + gbnf_format_literal(close);
        }
    }
    std::string result;
    for (const auto & line : lines) {
        result += line + "\n";
    }
    return result;
}

// common's autoparser closes a tagged call (GLM's `…</arg_value></tool_call>`) only when the end tag
// follows the last argument at once, a look-ahead (a `tool-close` tag over an `and` node over the
// literal) that GBNF does not show, while its grammar allows whitespace before the tag: a call
// the grammar let through could stay unclosed. Drop that whitespace from the grammar.
std::string forbid_space_before_unread_end_tags(std::string grammar, const json & nodes) {
    for (const auto & node : nodes) {
        if (node.value("type", "") != "tag" || node.value("tag", "") != "tool-close") {
            continue;
        }
        const json & peek = nodes.at(node.at("child").get<size_t>());
        if (peek.value("type", "") != "and") {
            continue;
        }
        const json & end = nodes.at(peek.at("child").get<size_t>());
        if (end.value("type", "") != "literal") {
            continue;
        }
        const std::string spaced = " space " + gbnf_format_literal(end.at("literal").get<std::string>());
        for (size_t at = grammar.find(spaced); at != std::string::npos; at = grammar.find(spaced, at)) {
            grammar.erase(at, 6);  // " space"
        }
    }
    return grammar;
}

// Mistral Small 3.2 writes `[TOOL_CALLS]name[CALL_ID]id[ARGS]{…}`. common's autoparser changes a
// call's name and ID together when it looks for where the name ends (chat-diff-analyzer.cpp's
// sample calls), so it takes `[ARGS]` for the name's end and expects `[CALL_ID]id[ARGS]` after
// it: real calls read as text. Its Ministral 3 handler knows the format without the ID. For
// templates whose calls carry `[CALL_ID]`, the parser and grammar are built here as that handler
// builds them, with the ID: nine letters and digits, the only IDs these templates accept.
bool writes_call_ids(const std::string & source) {
    return source.find("[TOOL_CALLS]") != std::string::npos && source.find("[CALL_ID]") != std::string::npos &&
           source.find("[ARGS]") != std::string::npos;
}

void read_calls_with_ids(common_chat_params & params, const common_chat_templates_inputs & inputs) {
    const json tools = common_chat_tools_to_json_oaicompat(inputs.tools);
    const bool required = inputs.tool_choice == COMMON_CHAT_TOOL_CHOICE_REQUIRED;
    const common_peg_arena parser = build_chat_peg_parser([&](common_chat_peg_builder & p) {
        auto call = p.choice();
        for (const json & tool : tools) {
            const json & function = tool.at("function");
            const std::string name = function.at("name");
            call |= p.rule("tool-" + name,
                           p.tool_open(p.tool_name(p.literal(name)) + "[CALL_ID]" +
                                       p.tool_id(p.chars("[a-zA-Z0-9]", 9, 9)) + "[ARGS]") +
                               p.tool_args(p.schema(p.json(), "tool-" + name + "-schema",
                                                    common_chat_tool_parameters(function))));
        }
        auto calls = p.trigger_rule(
            "tool-call", p.repeat("[TOOL_CALLS]" + call, required ? 1 : 0, inputs.parallel_tool_calls ? -1 : 1));
        return p.content(p.until("[TOOL_CALLS]")) << calls;
    });
    params.parser = parser.save();
    params.grammar_lazy = !required;
    params.grammar = build_grammar([&](const common_grammar_builder & builder) {
        parser.build_grammar(builder, params.grammar_lazy);
    });
    params.grammar_triggers = {{COMMON_GRAMMAR_TRIGGER_TYPE_WORD, "[TOOL_CALLS]"}};
    params.preserved_tokens = {"[TOOL_CALLS]", "[CALL_ID]", "[ARGS]"};
}

// common_chat_templates_apply, with the repairs above.
common_chat_params apply_template(const common_chat_templates * templates, const common_chat_templates_inputs & inputs) {
    common_chat_params params = common_chat_templates_apply(templates, inputs);
    if (inputs.tools.empty() || inputs.tool_choice == COMMON_CHAT_TOOL_CHOICE_NONE) {
        return params;
    }
    // The template common renders tools with: a GGUF's separate tool-use template, if it has one.
    std::string source = common_chat_templates_source(templates, "tool_use");
    if (source.empty()) {
        source = common_chat_templates_source(templates);
    }
    if (writes_call_ids(source)) {
        read_calls_with_ids(params, inputs);
    }
    return params;
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
        common_chat_params params = apply_template(templates->templates.get(), inputs);
        const std::string forced = string_field(request, "forced_tool");
        if (!forced.empty()) {
            // The prompt lists every tool (so it stays the same turn after turn); the grammar and
            // parser come from a render that offers only the forced one.
            common_chat_templates_inputs only = inputs;
            only.tools.clear();
            for (const auto & tool : inputs.tools) {
                if (tool.name == forced) {
                    only.tools.push_back(tool);
                }
            }
            if (only.tools.empty()) {
                throw std::invalid_argument("tool_choice names '" + forced + "', which is not among the tools");
            }
            only.tool_choice = COMMON_CHAT_TOOL_CHOICE_REQUIRED;
            common_chat_params narrowed = apply_template(templates->templates.get(), only);
            narrowed.prompt = params.prompt;
            params = narrowed;
        }
        if (inputs.tool_choice == COMMON_CHAT_TOOL_CHOICE_REQUIRED && !params.grammar.empty()) {
            params.grammar = forbid_text_before_tool_calls(params.grammar);
            if (!inputs.enable_thinking) {
                params.grammar = forbid_messages_before_tool_call(params.grammar);
                params.grammar = forbid_reasoning_before_tool_call(params.grammar, params);
            }
        }
        if (!inputs.parallel_tool_calls && !params.grammar.empty()) {
            params.grammar = allow_one_tool_call(params.grammar);
        }
        if (!params.grammar.empty() && !params.parser.empty()) {
            const json nodes = json::parse(params.parser).value("parsers", json::array());
            params.grammar = keep_string_arguments_to_schemas(params.grammar, nodes, inputs.tools);
            params.grammar = forbid_space_before_unread_end_tags(params.grammar, nodes);
        }
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
