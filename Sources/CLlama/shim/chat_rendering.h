// The shim's rendering: llama-server's, with the repairs Sluice makes to common's tool-call
// grammars and parsers. Internal to the shim (sluice_chat.cpp); not part of the C API.
#pragma once

#include "chat.h"

#include <string>

namespace sluice {

/// Renders `inputs` with the model's template. With `forced_tool`, the prompt still lists every
/// tool while the grammar and parser allow only that one. Throws std::invalid_argument for a
/// forced tool that is not among the tools, and whatever common throws for a template it cannot
/// render.
common_chat_params render_chat(const common_chat_templates * templates, const common_chat_templates_inputs & inputs,
                               const std::string & forced_tool);

}  // namespace sluice
