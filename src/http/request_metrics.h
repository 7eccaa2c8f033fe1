#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace coastguard::http {

// Request counters and a latency histogram by endpoint, owned by the loop thread (plain
// fields: one thread writes, the scrape runs on the same thread).
class RequestMetrics {
 public:
  // Upper bounds of the latency buckets in microseconds (Prometheus "le"), +Inf implied.
  static constexpr std::array<int64_t, 12> kBucketsUs = {10,   25,   50,   100,   250,   500,
                                                         1000, 2500, 5000, 10000, 50000, 250000};

  void ObserveRequest(std::string_view endpoint, int status, int64_t micros);
  // coastguard_request_duration_seconds and coastguard_http_responses_total.
  void AppendMetrics(std::string& out) const;

 private:
  enum Endpoint : size_t { kAllow, kReport, kNative, kAdmin, kOther, kEndpoints };
  static Endpoint Classify(std::string_view endpoint);

  std::array<std::array<uint64_t, kBucketsUs.size() + 1>, kEndpoints> buckets_{};
  std::array<double, kEndpoints> sum_seconds_{};
  std::array<uint64_t, kEndpoints> count_{};
  std::array<uint64_t, 6> status_classes_{};  // 1xx..5xx by first digit, [0] unused
};

}  // namespace coastguard::http
