#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "http/http_server.h"

namespace coastguard::http {

// Replies shared by the JSON APIs.

// {"error": "..."} with the given status (native, admin and form APIs).
Response JsonError(int status, std::string_view reason);
// {"status": "failure", "reason": "..."} (weakforced and Dovecot endpoints).
Response FailureReply(int status, std::string_view reason);
// {"status":"ok"} (weakforced and Dovecot endpoints, native reports).
Response OkReply();
// `body` serialised. Logins and subjects come from outside and may not be valid UTF-8: they are
// replaced, never thrown on.
Response JsonReply(int status, const nlohmann::json& body);

// The string member `key` of a JSON object, or null when absent or not a string.
const std::string* StringField(const nlohmann::json& body, const char* key);

}  // namespace coastguard::http
