#include "postfix/policy_request.h"

#include <charconv>

#include "core/text.h"

namespace coastguard::postfix {
namespace {

constexpr size_t kMaxLine = 8192;
constexpr size_t kMaxAttributes = 256;
constexpr size_t kMaxRequest = 64 * 1024;

uint64_t Number(std::string_view text) {
  uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;  // Postfix sends empty or 0 for "unknown"; garbage also reads as 0
}

}  // namespace

absl::Status ParsePolicyRequest(std::string_view text, PolicyRequest* out) {
  *out = PolicyRequest{};
  size_t attributes = 0;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (line.size() > kMaxLine) return core::InvalidInput("attribute line too long");
    if (++attributes > kMaxAttributes) return core::InvalidInput("too many attributes");
    const size_t equals = line.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      return core::InvalidInput("line without name=value");
    }
    const std::string_view name = line.substr(0, equals);
    const std::string_view value = line.substr(equals + 1);
    if (name == "request")
      out->request = value;
    else if (name == "protocol_state")
      out->protocol_state = value;
    else if (name == "client_address")
      out->client_address = value;
    else if (name == "sender")
      out->sender = value;
    else if (name == "recipient")
      out->recipient = value;
    else if (name == "sasl_username")
      out->sasl_username = value;
    else if (name == "queue_id")
      out->queue_id = value;
    else if (name == "instance")
      out->instance = value;
    else if (name == "recipient_count")
      out->recipient_count = Number(value);
    else if (name == "size")
      out->size = Number(value);
  }
  if (out->request != "smtpd_access_policy") {
    return core::InvalidInput("request is not smtpd_access_policy");
  }
  return absl::OkStatus();
}

PolicyReader::Result PolicyReader::Next(PolicyRequest* out, std::string* error) {
  const std::string_view pending = std::string_view(buffer_).substr(consumed_);
  // A request ends with an empty line: "\n\n" (or the stream starts with "\n").
  size_t end = pending.find("\n\n");
  size_t skip = 2;
  if (!pending.empty() && pending[0] == '\n') {
    end = 0;
    skip = 1;
  }
  if (end == std::string_view::npos) {
    if (pending.size() > kMaxRequest) {
      *error = "request larger than 64 KiB";
      return Result::kMalformed;
    }
    const size_t last_newline = pending.rfind('\n');
    const size_t open_line =
        pending.size() - (last_newline == std::string_view::npos ? 0 : last_newline + 1);
    if (open_line > kMaxLine) {
      *error = "attribute line too long";
      return Result::kMalformed;
    }
    return Result::kNeedMore;
  }
  if (end > kMaxRequest) {
    *error = "request larger than 64 KiB";
    return Result::kMalformed;
  }
  const absl::Status status = ParsePolicyRequest(pending.substr(0, end), out);
  consumed_ += end + skip;
  if (!status.ok()) {
    *error = core::Message(status);
    return Result::kMalformed;
  }
  return Result::kRequest;
}

}  // namespace coastguard::postfix
