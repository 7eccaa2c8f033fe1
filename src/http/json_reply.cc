#include "http/json_reply.h"

#include "core/text.h"

namespace coastguard::http {

Response JsonError(int status, std::string_view reason) {
  std::string body = "{\"error\":";
  core::AppendJsonString(body, reason);
  body += "}";
  return Response{status, body};
}

Response FailureReply(int status, std::string_view reason) {
  std::string body = "{\"status\":\"failure\",\"reason\":";
  core::AppendJsonString(body, reason);
  body += "}";
  return Response{status, body};
}

Response OkReply() { return Response{200, "{\"status\":\"ok\"}"}; }

Response JsonReply(int status, const nlohmann::json& body) {
  return Response{status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

const std::string* StringField(const nlohmann::json& body, const char* key) {
  const auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

}  // namespace coastguard::http
