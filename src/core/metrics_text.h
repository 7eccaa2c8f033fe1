#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace coastguard::core {

// Prometheus text exposition helpers. Each component declares its own families (HELP, TYPE,
// samples) in its AppendMetrics, next to the counters it keeps; nothing declares another's.
void MetricHeader(std::string& out, const char* name, const char* type, const char* help);
void MetricSample(std::string& out, const char* name, std::string_view labels, double value);
// A family with one unlabelled sample.
void MetricFamily(std::string& out, const char* name, const char* type, const char* help,
                  double value);

// The components /metrics shows, in the order they were added; each appends its families.
// Owned by the daemon, read on the loop thread at scrape time.
class MetricsRegistry {
 public:
  using Source = std::function<void(std::string& out, Timestamp now)>;
  void Add(Source source) { sources_.push_back(std::move(source)); }
  std::string Render(Timestamp now) const;

 private:
  std::vector<Source> sources_;
};

}  // namespace coastguard::core
