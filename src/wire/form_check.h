#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "absl/status/status.h"
#include "forms/form_request.h"
#include "forms/form_verdict.h"

namespace coastguard::wire {

// The form check's JSON, in one place: the body of POST /v1/forms/check and the replay
// contract's "form" line (the same object plus ts, kind and label), and the verdict both answer.

// Parses with simdjson On-Demand; one per thread, reused.
class FormCheckParser {
 public:
  // `padded`: `text` has wire::kPadding readable bytes after it.
  absl::Status Parse(std::string_view text, bool padded, forms::FormRequest* out);

 private:
  simdjson::ondemand::parser parser_;
  simdjson::padded_string copy_;
  std::vector<std::pair<std::string_view, std::string_view>> roles_;
};

// The replay decision line for a form event, no newline:
// {"verdict": "hold", "delay_ms": 0, "reasons": [...], "score": 1.5}
void AppendFormDecisionLine(const forms::FormVerdict& verdict, std::string& out);
// The reply of POST /v1/forms/check: {"verdict":"hold","reasons":[...],"score":1.5}
std::string FormVerdictJson(const forms::FormVerdict& verdict);

}  // namespace coastguard::wire
