// Renders a conversation as llama-server does (common_chat_templates_apply), then repairs the
// tool-call grammars and parsers common derives, where they let a forced call wait, ignore a
// string argument's schema, or misread a family's format. See chat_rendering.h.

#include "chat_rendering.h"

#include "chat-peg-parser.h"
#include "json-schema-to-grammar.h"

#include <map>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

using json = common_json;

namespace {

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

}  // namespace

namespace sluice {

common_chat_params render_chat(const common_chat_templates * templates, const common_chat_templates_inputs & inputs,
                               const std::string & forced_tool) {
    common_chat_params params = apply_template(templates, inputs);
    if (!forced_tool.empty()) {
        // The prompt lists every tool (so it stays the same turn after turn); the grammar and
        // parser come from a render that offers only the forced one.
        common_chat_templates_inputs only = inputs;
        only.tools.clear();
        for (const auto & tool : inputs.tools) {
            if (tool.name == forced_tool) {
                only.tools.push_back(tool);
            }
        }
        if (only.tools.empty()) {
            throw std::invalid_argument("tool_choice names '" + forced_tool + "', which is not among the tools");
        }
        only.tool_choice = COMMON_CHAT_TOOL_CHOICE_REQUIRED;
        common_chat_params narrowed = apply_template(templates, only);
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
    return params;
}

}  // namespace sluice
