#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "core/auth_event.h"
#include "forms/form_observer.h"
#include "forms/form_request.h"

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
//   type 4 form check: i64 ts, 16 bytes ip, u8 has user agent, then u32 + each of form, user
//                      agent, recipient, id, token, altcha; u16 field count, per field u8 role,
//                      u32 + name, u32 + value; then what the sender decided: u8 action,
//                      u8 rejected, u16 count + u64 campaign keys it reported
//   type 5 breach: u8 what (1 password reported, 2 user notified), i64 ts, u8 breached,
//                  u32 breach count, u16 + login, u16 + ip, u16 + service
// A record of a type this node does not know (a newer node's) is skipped: nodes of two versions
// go on sharing what both know during a rolling upgrade.
// Integers are little-endian (the nodes of one deployment share an architecture, as the
// journal assumes). Outside input: every length is checked, and a bad record ends the message.
// One record of type 5.
struct BreachRecord {
  bool notified = false;  // a notification mail was sent; else a password was reported
  int64_t ts = 0;
  bool breached = false;
  uint32_t breach_count = 0;
  std::string_view login;
  std::string_view ip;
  std::string_view service;
};

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
  void Form(const forms::FormRequest& request, const forms::DecidedForm& decided, int64_t ts,
            int64_t now);
  void Breach(const BreachRecord& record, int64_t now);
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
  // The request's views point into the message.
  std::function<void(const forms::FormRequest&, const forms::DecidedForm&, int64_t ts)> form;
  std::function<void(const BreachRecord&)> breach;
};

// How far in its past another node's time may be: records go out within a flush interval, so
// an older time is a skewed or forged clock.
inline constexpr int64_t kMaxRemoteAge = int64_t{3600} * 1'000'000;  // µs

// Another node's time as this node takes it (`now` its own, µs): never in its future (it would
// date blocks and windows there), never more than kMaxRemoteAge in its past (the tables' windows
// and buckets assume times near now).
inline int64_t BoundRemoteTime(int64_t ts, int64_t now) {
  return std::clamp(ts, now - kMaxRemoteAge, now);
}

// Reads the header alone.
absl::Status ReadHeader(std::string_view message, MessageHeader* header);
// Reads the header, then hands each record to `handlers` in order. An error names what was
// wrong; records before it were handed on.
absl::Status ReadMessage(std::string_view message, MessageHeader* header,
                         const MessageHandlers& handlers);

}  // namespace coastguard::redis
