#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace coastguard::postfix {

// One Postfix policy delegation request (SMTPD_POLICY_README): the attributes coastguard reads.
// Views point into the reader's buffer and are valid until the next call to Next().
struct PolicyRequest {
  std::string_view request;         // "smtpd_access_policy"
  std::string_view protocol_state;  // RCPT, END-OF-MESSAGE, ...
  std::string_view client_address;
  std::string_view sender;
  std::string_view recipient;
  std::string_view sasl_username;
  std::string_view queue_id;
  std::string_view instance;
  uint64_t recipient_count = 0;
  uint64_t size = 0;
};

// Splits a connection's byte stream into requests: `name=value` lines ending with an empty
// line. Unknown attributes are ignored. Limits: 8 KiB per line, 256 attributes and 64 KiB per
// request; past them, or on a line without '=', the request is malformed and the connection
// should be closed without a reply (what Postfix expects of a policy server that cannot answer).
// Hand-written: the protocol is a dozen lines of grammar and no Debian library parses it.
class PolicyReader {
 public:
  enum class Result { kRequest, kNeedMore, kMalformed };

  // Appends received bytes. Views of the requests returned before end here: the consumed
  // prefix is dropped now, once per read rather than once per request (a pipelined burst stays
  // linear).
  void Feed(std::string_view bytes) {
    if (consumed_ > 0) {
      buffer_.erase(0, consumed_);
      consumed_ = 0;
    }
    buffer_.append(bytes);
  }
  // Extracts the next complete request into `out`.
  Result Next(PolicyRequest* out, std::string* error);
  size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  std::string buffer_;
  size_t consumed_ = 0;  // bytes of buffer_ already returned as requests
};

// Parses one complete request (without its terminating empty line). Exposed for the fuzzer.
absl::Status ParsePolicyRequest(std::string_view text, PolicyRequest* out);

}  // namespace coastguard::postfix
