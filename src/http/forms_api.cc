#include "http/forms_api.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "core/text.h"
#include "http/json_reply.h"

namespace coastguard::http {

Response FormsApi::Check(const Request& request) {
  if (request.method != "POST") return JsonError(405, "use POST");
  if (absl::Status s = parser_.Parse(request.body, /*padded=*/false, &form_); !s.ok()) {
    return JsonError(400, core::Message(s));
  }
  return Response{200, wire::FormVerdictJson(guard_.Check(form_, request.now))};
}

Response FormsApi::Token(const Request& request) {
  if (request.method != "GET") return JsonError(405, "use GET");
  const std::string_view form = request.query("form");
  if (!forms::ValidFormName(form)) {
    return JsonError(400, "give ?form=NAME (1-64 letters, digits and - _ . /)");
  }
  return JsonReply(200,
                   {{"token", guard_.IssueToken(form, request.now)}, {"form", std::string(form)}});
}

Response FormsApi::Challenge(const Request& request) {
  if (request.method != "GET") return JsonError(405, "use GET");
  return Response{200, guard_.CreateChallenge(request.now).Json()};
}

Response FormsApi::Events(const Request& request) {
  if (request.method != "GET") return JsonError(405, "use GET");
  double since = 0;
  const std::string_view since_text = request.query("since");
  if (!since_text.empty()) {
    char* end = nullptr;
    const std::string copy(since_text);
    since = std::strtod(copy.c_str(), &end);
    if (end == copy.c_str() || *end != '\0' || !std::isfinite(since)) {
      return JsonError(400, "since must be a Unix time in seconds");
    }
  }
  std::string body = "{\"events\":[";
  bool first = true;
  for (const forms::CampaignEvent& e : guard_.events()) {
    if (static_cast<double>(e.ts) / core::kSecond <= since) continue;
    if (!first) body += ',';
    first = false;
    body += forms::CampaignEventJson(e, /*notification=*/false);
  }
  body += "]}";
  return Response{200, std::move(body)};
}

}  // namespace coastguard::http
