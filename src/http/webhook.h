#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "absl/status/status.h"
#include "core/time.h"

namespace coastguard::io {
class EventLoop;
}

namespace coastguard::http {

struct WebhookSettings {
  std::string url;     // http://host:port/path (plain HTTP; host resolved once at startup)
  std::string secret;  // HMAC-SHA256 key for X-Coastguard-Signature
  core::Duration timeout = 2 * core::kSecond;
  size_t max_pending = 1000;
};

// The keys sit in [outbound], beside the hold events they first carried.
template <typename V>
void DescribeSettings(V& v, WebhookSettings& s) {
  v.Table("outbound");
  v.Text("webhook_url", s.url);
  v.Text("webhook_secret", s.secret);
}

struct WebhookStats {
  uint64_t sent = 0;     // answered 2xx
  uint64_t failed = 0;   // refused, timed out, or answered otherwise
  uint64_t dropped = 0;  // queue full
};

// Posts JSON events to the operator's endpoint without ever blocking the event loop: one
// non-blocking connection at a time, each bounded by the timeout, a bounded queue in front.
// Every body is signed: X-Coastguard-Signature: sha256=<hex HMAC-SHA256(secret, body)>.
// Written here rather than taken from libcurl so that it runs inside our epoll loop with no
// threads; it speaks just enough HTTP/1.1 for one POST and its status line.
class Webhook {
 public:
  explicit Webhook(const WebhookSettings& settings) : settings_(settings) {}
  ~Webhook();
  Webhook(const Webhook&) = delete;
  Webhook& operator=(const Webhook&) = delete;

  // Parses the URL and resolves its host (blocking: startup only).
  absl::Status Start(io::EventLoop& loop);
  void Post(std::string body);
  const WebhookStats& stats() const { return stats_; }
  // coastguard_webhook_sent_total, _failed_total, _dropped_total.
  void AppendMetrics(std::string& out) const;

  static std::string Signature(std::string_view secret, std::string_view body);

 private:
  void StartNext();
  void OnEvent(uint32_t events);
  void Finish(bool ok);
  void CheckTimeout();

  WebhookSettings settings_;
  io::EventLoop* loop_ = nullptr;
  std::string host_header_;
  std::string path_;
  std::string address_;  // resolved sockaddr bytes
  std::deque<std::string> queue_;
  int fd_ = -1;
  std::string out_;
  std::string in_;
  core::Timestamp deadline_ = 0;
  WebhookStats stats_;
};

}  // namespace coastguard::http
