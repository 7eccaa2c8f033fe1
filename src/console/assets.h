#pragma once

#include <span>

#include "http/console.h"

namespace coastguard::console {

// The console's files (console/*.html, *.js, *.css and uPlot from console/node_modules),
// embedded at build time by cmake/embed_console.cmake.
std::span<const http::ConsoleAsset> Assets();

}  // namespace coastguard::console
