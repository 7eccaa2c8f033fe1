#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "core/auth_event.h"

namespace coastguard::redis {

// The messages nodes publish to each other: what each one's engine was asked (attempts checked,
// outcomes reported) and the state changes an attempt cannot re-create (an operator's block, an
// unblock, allow lists, a cleared suspect), in batches.
//
//   "CGR1", u64 sender instance, i64 sent at (µs), u16 + node name,
//   then records: u8 type, u32 length, payload
//   type 1 checked, 2 reported: i64 ts, u8 protocol, 16 bytes ip, u8 outcome (2 only),
//                               u16 + login, u16 + pwhash, u16 + client id
//   type 3 state: a record in the journal's format (store::ApplyStateRecord)
// Integers are little-endian (the nodes of one deployment share an architecture, as the
// journal assumes). Outside input: every length is checked, and a bad record ends the message.
struct MessageHeader {
  uint64_t instance = 0;
  int64_t sent_at = 0;
  std::string_view node;
};

class MessageWriter {
 public:
  MessageWriter(uint64_t instance, std::string node)
      : instance_(instance), node_(std::move(node)) {}
  // `now` stamps the message when its first record is added.
  void Checked(const core::AuthAttempt& attempt, int64_t now);
  void Reported(const core::AuthAttempt& attempt, core::Outcome outcome, int64_t now);
  void State(std::string_view record, int64_t now);
  bool empty() const { return records_ == 0; }
  size_t records() const { return records_; }
  size_t size() const { return bytes_.size(); }
  const std::string& bytes() const { return bytes_; }
  void Clear() {
    bytes_.clear();
    records_ = 0;
  }

 private:
  void Begin(uint8_t type, int64_t now);
  void End(size_t length_at);
  // An attempt record: checked without an outcome, reported with one.
  void Attempt(const core::AuthAttempt& attempt, const core::Outcome* outcome, int64_t now);

  uint64_t instance_;
  std::string node_;
  std::string bytes_;
  size_t records_ = 0;
};

struct MessageHandlers {
  std::function<void(const core::AuthAttempt&, const core::Outcome*)> attempt;
  std::function<void(std::string_view record)> state;
};

// Reads the header alone.
absl::Status ReadHeader(std::string_view message, MessageHeader* header);
// Reads the header, then hands each record to `handlers` in order. An error names what was
// wrong; records before it were handed on.
absl::Status ReadMessage(std::string_view message, MessageHeader* header,
                         const MessageHandlers& handlers);

}  // namespace coastguard::redis
