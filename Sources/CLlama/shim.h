#ifndef SLUICE_CLLAMA_SHIM_H
#define SLUICE_CLLAMA_SHIM_H

// llama.cpp's C API (the pinned headers scripts/build-llama installs; found through the
// `sluice-llama` pkg-config file) and Sluice's own C surface over the C++ `common` library.
// Only SluiceLlama imports this module.

#include <llama.h>

#include "sluice_chat.h"

#endif
