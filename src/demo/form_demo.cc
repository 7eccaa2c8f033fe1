#include "demo/form_demo.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "http/json_reply.h"

namespace coastguard::demo {

using http::JsonError;
using http::Request;
using http::Response;
namespace {

constexpr char kForm[] = "contact";

absl::Status ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::InvalidInput(core::Cat(path, ": cannot open"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return absl::OkStatus();
}

}  // namespace

absl::Status FormDemo::Load(const std::string& directory) {
  if (absl::Status s = ReadFile(directory + "/index.html", &page_); !s.ok()) return s;
  const std::string widget = directory + "/node_modules/altcha/dist/main/altcha.min.js";
  if (absl::Status s = ReadFile(widget, &widget_); !s.ok()) {
    return core::InvalidInput(
        core::Cat(widget, ": missing; run `npm ci` in ", directory, " (make demo does)"));
  }
  return absl::OkStatus();
}

Response FormDemo::Handle(const Request& request) {
  const std::string_view path = request.path;
  if (path == "/demo" || path == "/demo/" || path == "/demo/index.html") {
    if (request.method != "GET") return JsonError(405, "use GET");
    std::string page = page_;
    const size_t at = page.find("{{token}}");
    if (at != std::string::npos) page.replace(at, 9, guard_.IssueToken(kForm, request.now));
    return Response{200, std::move(page), "text/html; charset=utf-8"};
  }
  if (path == "/demo/altcha.js") {
    return Response{200, widget_, "text/javascript; charset=utf-8"};
  }
  if (path == "/demo/submit") {
    if (request.method != "POST") return JsonError(405, "use POST");
    return Submit(request);
  }
  return JsonError(404, "no such demo page");
}

Response FormDemo::Submit(const Request& request) {
  // The page posts its fields as JSON; the application side declares their roles.
  const nlohmann::json posted = nlohmann::json::parse(request.body, nullptr, false);
  if (posted.is_discarded() || !posted.is_object())
    return JsonError(400, "body is not a JSON object");
  auto text = [&](const char* key) -> std::string {
    const auto it = posted.find(key);
    return it != posted.end() && it->is_string() ? it->get<std::string>() : "";
  };
  const std::string agent(request.header("User-Agent"));
  const std::string peer = request.peer ? request.peer() : "";
  const nlohmann::json check = {
      {"form", kForm},
      {"ip", peer.empty() ? "127.0.0.1" : peer},
      {"user_agent", agent},
      {"recipient", text("email")},
      {"token", text("token")},
      {"altcha", text("altcha")},
      {"fields",
       {{"name", text("name")},
        {"email", text("email")},
        {"message", text("message")},
        {"website", text("website")}}},
      {"roles",
       {{"name", "name"}, {"email", "email"}, {"message", "text"}, {"website", "honeypot"}}}};
  const std::string body = check.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (absl::Status s = parser_.Parse(body, /*padded=*/false, &form_); !s.ok()) {
    return JsonError(400, core::Message(s));
  }
  return Response{200, wire::FormVerdictJson(guard_.Check(form_, request.now))};
}

}  // namespace coastguard::demo
