#include "http/native_auth.h"

#include "core/text.h"
#include "http/json_reply.h"

namespace coastguard::http {

bool NativeAuth::Read(const Request& request, bool report, Response* error) {
  if (absl::Status s = parser_.Parse(request.body, /*padded=*/false,
                                     /*require_outcome=*/report, &event_);
      !s.ok()) {
    *error = JsonError(400, core::Message(s));
    return false;
  }
  // Live traffic is stamped by the clock, whatever ts the body carries.
  event_.attempt.ts = request.now;
  return true;
}

Response NativeAuth::Check(const Request& request) {
  Response error;
  if (!Read(request, /*report=*/false, &error)) return error;
  std::string body;
  wire::AppendDecisionLine(engine_.Check(event_.attempt), body);
  return Response{200, body};
}

Response NativeAuth::Report(const Request& request) {
  Response error;
  if (!Read(request, /*report=*/true, &error)) return error;
  engine_.Report(event_.attempt, event_.outcome);
  return OkReply();
}

}  // namespace coastguard::http
