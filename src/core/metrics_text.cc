#include "core/metrics_text.h"

#include <cstdio>

#include "core/text.h"

namespace coastguard::core {

void MetricHeader(std::string& out, const char* name, const char* type, const char* help) {
  out += Cat("# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

void MetricSample(std::string& out, const char* name, std::string_view labels, double value) {
  char number[64];
  std::snprintf(number, sizeof(number), "%.17g", value);
  out += name;
  if (!labels.empty()) out += Cat("{", labels, "}");
  out += Cat(" ", std::string_view(number), "\n");
}

void MetricFamily(std::string& out, const char* name, const char* type, const char* help,
                  double value) {
  MetricHeader(out, name, type, help);
  MetricSample(out, name, "", value);
}

std::string MetricsRegistry::Render(Timestamp now) const {
  std::string out;
  out.reserve(16384);
  for (const Source& source : sources_) source(out, now);
  return out;
}

}  // namespace coastguard::core
