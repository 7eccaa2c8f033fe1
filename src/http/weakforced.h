#pragma once

#include <string_view>

#include "http/http_server.h"
#include "policy/engine.h"

namespace coastguard::http {

// weakforced's administrative commands with its request and reply shapes, so integrations
// written for wforce move over unchanged: ping, reset, addBLEntry, delBLEntry, getBL,
// addWLEntry, delWLEntry, getWL. Returns false in `handled` for other commands.
Response WeakforcedCommand(std::string_view command, const Request& request, policy::Engine& engine,
                           bool* handled);

}  // namespace coastguard::http
