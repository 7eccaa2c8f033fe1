#include "redis/shared_message.h"

#include <array>
#include <cstring>

#include "core/text.h"

namespace coastguard::redis {
namespace {

constexpr std::string_view kMagic = "CGR1";
constexpr size_t kMaxField = 1024;  // a login, pwhash or client id longer than this is cut
// A form's texts are sent whole (the campaign fingerprints read all of them) up to this; an HTTP
// body is far smaller ([server] max_body_bytes).
constexpr size_t kMaxLongField = 1 << 20;
enum : uint8_t { kChecked = 1, kReported = 2, kState = 3, kForm = 4, kBreach = 5 };
// Campaigns one check reports: one per link domain, link and text, of at most 100 fields.
constexpr size_t kMaxReportedCampaigns = 256;
// As the check's own parser bounds it (wire/form_check.cc).
constexpr size_t kMaxFormId = 128;

template <typename T>
void Put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(v));
}

void PutText(std::string& out, std::string_view s) {
  const size_t n = std::min(s.size(), kMaxField);
  Put(out, static_cast<uint16_t>(n));
  out.append(s.data(), n);
}

void PutLongText(std::string& out, std::string_view s) {
  const size_t n = std::min(s.size(), kMaxLongField);
  Put(out, static_cast<uint32_t>(n));
  out.append(s.data(), n);
}

class Cursor {
 public:
  explicit Cursor(std::string_view in) : in_(in) {}
  template <typename T>
  bool Get(T* v) {
    if (in_.size() < sizeof(T)) return false;
    std::memcpy(v, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool Bytes(size_t n, std::string_view* out) {
    if (in_.size() < n) return false;
    *out = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool Text(std::string_view* out) {
    uint16_t n;
    return Get(&n) && n <= kMaxField && Bytes(n, out);
  }
  bool LongText(std::string_view* out) {
    uint32_t n;
    return Get(&n) && n <= kMaxLongField && Bytes(n, out);
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

}  // namespace

void MessageWriter::Begin(uint8_t type, int64_t now) {
  if (records_ == 0) {
    bytes_.assign(kMagic);
    Put(bytes_, instance_);
    Put(bytes_, now);
    PutText(bytes_, node_);
  }
  ++records_;
  bytes_.push_back(static_cast<char>(type));
  Put(bytes_, uint32_t{0});  // the length, filled in by End
}

void MessageWriter::End(size_t length_at) {
  const auto length = static_cast<uint32_t>(bytes_.size() - length_at - 4);
  std::memcpy(bytes_.data() + length_at, &length, 4);
}

void MessageWriter::Attempt(const core::AuthAttempt& attempt, const core::Outcome* outcome,
                            int64_t now) {
  Begin(outcome == nullptr ? kChecked : kReported, now);
  const size_t at = bytes_.size() - 4;
  Put(bytes_, attempt.ts);
  Put(bytes_, static_cast<uint8_t>(attempt.protocol));
  bytes_.append(reinterpret_cast<const char*>(attempt.ip.bytes().data()), 16);
  if (outcome != nullptr) Put(bytes_, static_cast<uint8_t>(*outcome));
  PutText(bytes_, attempt.login);
  PutText(bytes_, attempt.pwhash);
  PutText(bytes_, attempt.client_id);
  End(at);
}

void MessageWriter::Checked(const core::AuthAttempt& attempt, int64_t now) {
  Attempt(attempt, nullptr, now);
}

void MessageWriter::Reported(const core::AuthAttempt& attempt, core::Outcome outcome, int64_t now) {
  Attempt(attempt, &outcome, now);
}

void MessageWriter::State(std::string_view record, int64_t now) {
  Begin(kState, now);
  const size_t at = bytes_.size() - 4;
  bytes_.append(record);
  End(at);
}

void MessageWriter::Form(const forms::FormRequest& request, const forms::DecidedForm& decided,
                         int64_t ts, int64_t now) {
  Begin(kForm, now);
  const size_t at = bytes_.size() - 4;
  Put(bytes_, ts);
  bytes_.append(reinterpret_cast<const char*>(request.ip.bytes().data()), 16);
  Put(bytes_, static_cast<uint8_t>(request.has_user_agent ? 1 : 0));
  for (const std::string_view text : {request.form, request.user_agent, request.recipient,
                                      request.id, request.token, request.altcha}) {
    PutLongText(bytes_, text);
  }
  const size_t fields = std::min(request.fields.size(), forms::kMaxFields);
  Put(bytes_, static_cast<uint16_t>(fields));
  for (size_t i = 0; i < fields; ++i) {
    const forms::FormField& field = request.fields[i];
    Put(bytes_, static_cast<uint8_t>(field.role));
    PutLongText(bytes_, field.name);
    // A password field's value is never read by the guard, and never leaves this node.
    PutLongText(bytes_, field.role == forms::Role::kSecret ? std::string_view() : field.value);
  }
  Put(bytes_, static_cast<uint8_t>(decided.action));
  Put(bytes_, static_cast<uint8_t>(decided.rejected ? 1 : 0));
  const size_t reported = std::min(decided.reported.size(), kMaxReportedCampaigns);
  Put(bytes_, static_cast<uint16_t>(reported));
  for (size_t i = 0; i < reported; ++i) Put(bytes_, decided.reported[i]);
  End(at);
}

void MessageWriter::Breach(const BreachRecord& record, int64_t now) {
  Begin(kBreach, now);
  const size_t at = bytes_.size() - 4;
  Put(bytes_, static_cast<uint8_t>(record.notified ? 2 : 1));
  Put(bytes_, record.ts);
  Put(bytes_, static_cast<uint8_t>(record.breached ? 1 : 0));
  Put(bytes_, record.breach_count);
  PutText(bytes_, record.login);
  PutText(bytes_, record.ip);
  PutText(bytes_, record.service);
  End(at);
}

namespace {

bool ReadForm(std::string_view payload, forms::FormRequest* request, forms::DecidedForm* decided,
              int64_t* ts) {
  Cursor r(payload);
  std::string_view ip_bytes;
  uint8_t has_user_agent = 0;
  uint16_t fields = 0;
  if (!r.Get(ts) || !r.Bytes(16, &ip_bytes) || !r.Get(&has_user_agent) || has_user_agent > 1 ||
      !r.LongText(&request->form) || !r.LongText(&request->user_agent) ||
      !r.LongText(&request->recipient) || !r.LongText(&request->id) ||
      !r.LongText(&request->token) || !r.LongText(&request->altcha) || !r.Get(&fields) ||
      fields > forms::kMaxFields || !forms::ValidFormName(request->form) ||
      request->id.size() > kMaxFormId) {
    return false;
  }
  std::array<uint8_t, 16> ip{};
  std::memcpy(ip.data(), ip_bytes.data(), 16);
  request->ip = core::IpAddress::FromBytes(ip);
  request->has_user_agent = has_user_agent == 1;
  request->fields.clear();
  for (uint16_t i = 0; i < fields; ++i) {
    forms::FormField field;
    uint8_t role = 0;
    if (!r.Get(&role) || role > static_cast<uint8_t>(forms::Role::kSecret) ||
        !r.LongText(&field.name) || !r.LongText(&field.value)) {
      return false;
    }
    field.role = static_cast<forms::Role>(role);
    request->fields.push_back(field);
  }
  uint8_t action = 0, rejected = 0;
  uint16_t reported = 0;
  if (!r.Get(&action) || action > static_cast<uint8_t>(forms::FormAction::kReject) ||
      !r.Get(&rejected) || rejected > 1 || !r.Get(&reported) || reported > kMaxReportedCampaigns) {
    return false;
  }
  decided->action = static_cast<forms::FormAction>(action);
  decided->rejected = rejected == 1;
  decided->reported.clear();
  for (uint16_t i = 0; i < reported; ++i) {
    uint64_t key = 0;
    if (!r.Get(&key)) return false;
    decided->reported.push_back(key);
  }
  return r.done();
}

bool ReadBreach(std::string_view payload, BreachRecord* record) {
  Cursor r(payload);
  uint8_t what = 0, breached = 0;
  if (!r.Get(&what) || (what != 1 && what != 2) || !r.Get(&record->ts) || !r.Get(&breached) ||
      breached > 1 || !r.Get(&record->breach_count) || !r.Text(&record->login) ||
      !r.Text(&record->ip) || !r.Text(&record->service) || !r.done()) {
    return false;
  }
  record->notified = what == 2;
  record->breached = breached == 1;
  return true;
}

absl::Status ReadHeaderFrom(Cursor& c, MessageHeader* header) {
  std::string_view magic;
  if (!c.Bytes(4, &magic) || magic != kMagic) return core::InvalidInput("not a coastguard message");
  if (!c.Get(&header->instance) || !c.Get(&header->sent_at) || !c.Text(&header->node)) {
    return core::InvalidInput("message header cut short");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadHeader(std::string_view message, MessageHeader* header) {
  Cursor c(message);
  return ReadHeaderFrom(c, header);
}

absl::Status ReadMessage(std::string_view message, MessageHeader* header,
                         const MessageHandlers& handlers) {
  Cursor c(message);
  if (absl::Status s = ReadHeaderFrom(c, header); !s.ok()) return s;
  size_t index = 0;
  while (!c.done()) {
    uint8_t type;
    uint32_t length;
    std::string_view payload;
    if (!c.Get(&type) || !c.Get(&length) || !c.Bytes(length, &payload)) {
      return core::InvalidInput(core::Cat("record ", index, " cut short"));
    }
    if (type == kState) {
      if (handlers.state) handlers.state(payload);
    } else if (type == kChecked || type == kReported) {
      Cursor r(payload);
      core::AuthAttempt a;
      uint8_t protocol = 0, outcome = 0;
      std::array<uint8_t, 16> ip{};
      std::string_view ip_bytes;
      if (!r.Get(&a.ts) || !r.Get(&protocol) ||
          protocol > static_cast<uint8_t>(core::Protocol::kHttp) || !r.Bytes(16, &ip_bytes) ||
          (type == kReported &&
           (!r.Get(&outcome) || outcome > static_cast<uint8_t>(core::Outcome::kFailure))) ||
          !r.Text(&a.login) || !r.Text(&a.pwhash) || !r.Text(&a.client_id) || !r.done()) {
        return core::InvalidInput(core::Cat("record ", index, " is not an attempt"));
      }
      a.protocol = static_cast<core::Protocol>(protocol);
      std::memcpy(ip.data(), ip_bytes.data(), 16);
      a.ip = core::IpAddress::FromBytes(ip);
      const auto result = static_cast<core::Outcome>(outcome);
      if (handlers.attempt) handlers.attempt(a, type == kReported ? &result : nullptr);
    } else if (type == kForm) {
      forms::FormRequest request;
      forms::DecidedForm decided;
      int64_t ts = 0;
      if (!ReadForm(payload, &request, &decided, &ts)) {
        return core::InvalidInput(core::Cat("record ", index, " is not a form check"));
      }
      if (handlers.form) handlers.form(request, decided, ts);
    } else if (type == kBreach) {
      BreachRecord record;
      if (!ReadBreach(payload, &record)) {
        return core::InvalidInput(core::Cat("record ", index, " is not a breach record"));
      }
      if (handlers.breach) handlers.breach(record);
    }
    // Any other type is a newer node's: skipped whole, the records after it still read.
    ++index;
  }
  return absl::OkStatus();
}

}  // namespace coastguard::redis
