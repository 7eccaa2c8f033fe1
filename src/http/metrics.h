#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "policy/engine.h"

namespace coastguard::http {

// Request counters and a latency histogram, owned by the server's loop thread (plain fields:
// one thread writes, the scrape runs on the same thread). Engine and store figures are read at
// scrape time, so each metric is declared once, here.
class Metrics {
 public:
  // Upper bounds of the latency buckets in microseconds (Prometheus "le"), +Inf implied.
  static constexpr std::array<int64_t, 12> kBucketsUs = {10,   25,   50,   100,   250,   500,
                                                         1000, 2500, 5000, 10000, 50000, 250000};

  void ObserveRequest(std::string_view endpoint, int status, int64_t micros);

  // Prometheus text exposition. `extra` appends more families (the store's).
  std::string Render(const policy::Engine& engine, core::Timestamp now,
                     const std::function<void(std::string&)>& extra) const;

 private:
  enum Endpoint : size_t { kAllow, kReport, kNative, kAdmin, kOther, kEndpoints };
  static Endpoint Classify(std::string_view endpoint);

  std::array<std::array<uint64_t, kBucketsUs.size() + 1>, kEndpoints> buckets_{};
  std::array<double, kEndpoints> sum_seconds_{};
  std::array<uint64_t, kEndpoints> count_{};
  std::array<uint64_t, 6> status_classes_{};  // 1xx..5xx by first digit, [0] unused
};

// Prometheus text helpers, for every family declared anywhere: HELP/TYPE lines, then samples.
void Header(std::string& out, const char* name, const char* type, const char* help);
void Sample(std::string& out, const char* name, std::string_view labels, double value);

// Resident set size of this process in bytes (from /proc/self/statm), 0 if unknown.
size_t ResidentBytes();

}  // namespace coastguard::http
