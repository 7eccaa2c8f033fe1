#include "http/request_metrics.h"

#include <cstdio>

#include "core/metrics_text.h"
#include "core/text.h"

namespace coastguard::http {
namespace {

constexpr const char* kEndpointNames[] = {"allow", "report", "native", "admin", "other"};

}  // namespace

RequestMetrics::Endpoint RequestMetrics::Classify(std::string_view endpoint) {
  if (endpoint == "allow") return kAllow;
  if (endpoint == "report") return kReport;
  if (endpoint == "native") return kNative;
  if (endpoint == "admin") return kAdmin;
  return kOther;
}

void RequestMetrics::ObserveRequest(std::string_view endpoint, int status, int64_t micros) {
  const Endpoint e = Classify(endpoint);
  size_t bucket = 0;
  while (bucket < kBucketsUs.size() && micros > kBucketsUs[bucket]) ++bucket;
  ++buckets_[e][bucket];
  sum_seconds_[e] += static_cast<double>(micros) / 1e6;
  ++count_[e];
  if (status >= 100 && status < 600) ++status_classes_[static_cast<size_t>(status / 100)];
}

void RequestMetrics::AppendMetrics(std::string& out) const {
  core::MetricHeader(out, "coastguard_request_duration_seconds", "histogram",
                     "Time to handle an HTTP request, by endpoint (excluding network).");
  for (size_t e = 0; e < kEndpoints; ++e) {
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBucketsUs.size(); ++b) {
      cumulative += buckets_[e][b];
      char le[32];
      if (b < kBucketsUs.size()) {
        std::snprintf(le, sizeof(le), "%g", static_cast<double>(kBucketsUs[b]) / 1e6);
      } else {
        std::snprintf(le, sizeof(le), "+Inf");
      }
      core::MetricSample(
          out, "coastguard_request_duration_seconds_bucket",
          core::Cat("endpoint=\"", kEndpointNames[e], "\",le=\"", std::string_view(le), "\""),
          static_cast<double>(cumulative));
    }
    core::MetricSample(out, "coastguard_request_duration_seconds_sum",
                       core::Cat("endpoint=\"", kEndpointNames[e], "\""), sum_seconds_[e]);
    core::MetricSample(out, "coastguard_request_duration_seconds_count",
                       core::Cat("endpoint=\"", kEndpointNames[e], "\""),
                       static_cast<double>(count_[e]));
  }
  core::MetricHeader(out, "coastguard_http_responses_total", "counter",
                     "HTTP responses by status class.");
  for (size_t c = 1; c < status_classes_.size(); ++c) {
    core::MetricSample(out, "coastguard_http_responses_total", core::Cat("code=\"", c, "xx\""),
                       static_cast<double>(status_classes_[c]));
  }
}

}  // namespace coastguard::http
