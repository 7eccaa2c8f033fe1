#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "core/time.h"

namespace coastguard::io {
class EventLoop;
}

namespace coastguard::http {

struct WebhookSettings {
  std::string url;     // http://host:port/path (plain HTTP; host resolved once at startup)
  std::string secret;  // HMAC-SHA256 key for X-Coastguard-Signature; required with a url
  core::Duration timeout = 2 * core::kSecond;  // per attempt
  size_t max_pending = 1000;                   // per kind of event
  size_t max_in_flight = 4;
  int max_attempts = 6;  // a failed post is retried after 1 s, 2 s, 4 s... (capped at a minute)
  core::Duration first_retry = core::kSecond;
};

// The keys sit in [outbound], beside the hold events they first carried.
template <typename V>
void DescribeSettings(V& v, WebhookSettings& s) {
  v.Table("outbound");
  v.Text("webhook_url", s.url);
  v.Text("webhook_secret", s.secret);
  // An unsigned notification could come from anyone who can reach the receiver.
  v.Require(s.url.empty() || !s.secret.empty(),
            "outbound.webhook_secret must be set when webhook_url is");
}

// What a notification is about. Holds are never displaced by campaign events: outsiders can
// trigger those, an operator acts on these.
enum class WebhookEvent : uint8_t { kHold, kFormCampaign };

struct WebhookStats {
  uint64_t sent = 0;     // answered 2xx
  uint64_t failed = 0;   // attempts refused, timed out or answered otherwise
  uint64_t retried = 0;  // attempts queued again after a failure
  uint64_t gave_up = 0;  // events whose last attempt failed, or that the receiver refused (4xx)
  std::array<uint64_t, 2> dropped{};  // by WebhookEvent: its queue was full (the oldest goes)
};

// Posts JSON events to the operator's endpoint without ever blocking the event loop: up to
// max_in_flight non-blocking connections, each attempt bounded by the timeout, failures
// retried with exponential backoff, one bounded queue per kind of event (holds first).
// Every body is signed: X-Coastguard-Signature: sha256=<hex HMAC-SHA256(secret, body)>.
// Written here rather than taken from libcurl so that it runs inside our epoll loop with no
// threads; it speaks just enough HTTP/1.1 for one POST and its status line. Loop thread.
class Webhook {
 public:
  explicit Webhook(const WebhookSettings& settings) : settings_(settings) {}
  ~Webhook();
  Webhook(const Webhook&) = delete;
  Webhook& operator=(const Webhook&) = delete;

  // Parses the URL and resolves its host (blocking: startup only).
  absl::Status Start(io::EventLoop& loop);
  void Post(std::string body, WebhookEvent kind = WebhookEvent::kHold);
  const WebhookStats& stats() const { return stats_; }
  size_t pending() const { return queues_[0].size() + queues_[1].size(); }
  size_t in_flight() const { return connections_.size(); }
  // coastguard_webhook_sent_total, _failed_total, _retried_total, _gave_up_total,
  // _dropped_total{event}, coastguard_webhook_pending.
  void AppendMetrics(std::string& out) const;

  static std::string Signature(std::string_view secret, std::string_view body);

 private:
  struct Item {
    std::string body;
    int attempts = 0;
    core::Timestamp not_before = 0;
    WebhookEvent kind = WebhookEvent::kHold;
  };
  struct Connection {
    Item item;
    std::string out;
    std::string in;
    core::Timestamp deadline = 0;
  };
  enum class Outcome { kOk, kRetry, kRefused };

  void Pump();
  void Open(Item item);
  void OnEvent(int fd, uint32_t events);
  void Finish(int fd, Outcome outcome);
  void CheckTimeouts();
  void Enqueue(Item item, bool front);

  WebhookSettings settings_;
  io::EventLoop* loop_ = nullptr;
  std::string host_header_;
  std::string path_;
  std::string address_;                     // resolved sockaddr bytes
  std::array<std::deque<Item>, 2> queues_;  // by WebhookEvent
  absl::flat_hash_map<int, std::unique_ptr<Connection>> connections_;
  WebhookStats stats_;
};

}  // namespace coastguard::http
