#include "http/metrics.h"

#include <unistd.h>

#include <cstdio>

#include "core/text.h"

namespace coastguard::http {
namespace {

constexpr const char* kEndpointNames[] = {"allow", "report", "native", "admin", "other"};

}  // namespace

void Header(std::string& out, const char* name, const char* type, const char* help) {
  out += core::Cat("# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

void Sample(std::string& out, const char* name, std::string_view labels, double value) {
  char number[64];
  std::snprintf(number, sizeof(number), "%.17g", value);
  out += name;
  if (!labels.empty()) out += core::Cat("{", labels, "}");
  out += core::Cat(" ", std::string_view(number), "\n");
}

Metrics::Endpoint Metrics::Classify(std::string_view endpoint) {
  if (endpoint == "allow") return kAllow;
  if (endpoint == "report") return kReport;
  if (endpoint == "native") return kNative;
  if (endpoint == "admin") return kAdmin;
  return kOther;
}

void Metrics::ObserveRequest(std::string_view endpoint, int status, int64_t micros) {
  const Endpoint e = Classify(endpoint);
  size_t bucket = 0;
  while (bucket < kBucketsUs.size() && micros > kBucketsUs[bucket]) ++bucket;
  ++buckets_[e][bucket];
  sum_seconds_[e] += static_cast<double>(micros) / 1e6;
  ++count_[e];
  if (status >= 100 && status < 600) ++status_classes_[static_cast<size_t>(status / 100)];
}

size_t ResidentBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  const int got = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  return got == 2 ? resident * static_cast<size_t>(sysconf(_SC_PAGESIZE)) : 0;
}

std::string Metrics::Render(const policy::Engine& engine, core::Timestamp now,
                            const std::function<void(std::string&)>& extra) const {
  std::string out;
  out.reserve(8192);
  const policy::EngineStats& stats = engine.stats();

  Header(out, "coastguard_checks_total", "counter",
         "Login attempts decided before the password check.");
  Sample(out, "coastguard_checks_total", "", static_cast<double>(stats.checks));
  Header(out, "coastguard_reports_total", "counter", "Password-check outcomes reported.");
  Sample(out, "coastguard_reports_total", "", static_cast<double>(stats.reports));
  Header(out, "coastguard_bad_input_total", "counter",
         "Attempts that could not be read (decided fail-open).");
  Sample(out, "coastguard_bad_input_total", "", static_cast<double>(stats.bad_input));

  Header(out, "coastguard_verdicts_total", "counter", "Verdicts by action.");
  for (size_t a = 0; a < stats.actions.size(); ++a) {
    Sample(out, "coastguard_verdicts_total",
           core::Cat("verdict=\"", core::ActionName(static_cast<core::Action>(a)), "\""),
           static_cast<double>(stats.actions[a]));
  }
  Header(out, "coastguard_verdict_reasons_total", "counter", "Reasons given with verdicts.");
  for (size_t r = 0; r < stats.reasons.size(); ++r) {
    Sample(out, "coastguard_verdict_reasons_total",
           core::Cat("reason=\"", core::ReasonName(static_cast<core::Reason>(r)), "\""),
           static_cast<double>(stats.reasons[r]));
  }
  Header(out, "coastguard_blocks_created_total", "counter", "Automatic blocks created.");
  Sample(out, "coastguard_blocks_created_total", "", static_cast<double>(stats.blocks_created));
  Header(out, "coastguard_blocks_active", "gauge", "Blocks in force now.");
  Sample(out, "coastguard_blocks_active", "", static_cast<double>(engine.blocks().live(now)));

  const policy::Engine::TableSizes sizes = engine.sizes();
  Header(out, "coastguard_keys", "gauge", "Keys tracked per table.");
  const std::pair<const char*, size_t> tables[] = {
      {"sources", sizes.sources},
      {"logins", sizes.logins},
      {"login_ip", sizes.pairs},
      {"familiarity_logins", sizes.familiarity_logins},
      {"familiarity_entries", sizes.familiarity_entries},
      {"blocks", sizes.blocks}};
  for (const auto& [table, n] : tables) {
    Sample(out, "coastguard_keys", core::Cat("table=\"", table, "\""), static_cast<double>(n));
  }
  Header(out, "coastguard_evictions_total", "counter",
         "Keys evicted to stay within the memory budget.");
  const std::pair<const char*, uint64_t> evictions[] = {
      {"sources", sizes.source_evictions},
      {"logins", sizes.login_evictions},
      {"login_ip", sizes.pair_evictions},
      {"familiarity_logins", sizes.familiarity_evictions},
      {"blocks_refused", sizes.blocks_dropped}};
  for (const auto& [table, n] : evictions) {
    Sample(out, "coastguard_evictions_total", core::Cat("table=\"", table, "\""),
           static_cast<double>(n));
  }
  Header(out, "coastguard_memory_bytes", "gauge", "Memory: tables (estimated) and process RSS.");
  Sample(out, "coastguard_memory_bytes", "kind=\"tables\"",
         static_cast<double>(sizes.memory_bytes));
  Sample(out, "coastguard_memory_bytes", "kind=\"rss\"", static_cast<double>(ResidentBytes()));
  Sample(out, "coastguard_memory_bytes", "kind=\"budget\"",
         static_cast<double>(engine.config().memory_budget_mb << 20));

  const detect::ServiceAttack& service = engine.service_attack();
  Header(out, "coastguard_service_under_attack", "gauge",
         "1 while service-wide failure rates are far above baseline.");
  Sample(out, "coastguard_service_under_attack", "", service.UnderAttack(now) ? 1 : 0);
  Header(out, "coastguard_service_failing_sources", "gauge",
         "Distinct sources (IPv4 addresses, IPv6 /64s) behind unfamiliar failures, last two "
         "intervals (HyperLogLog).");
  Sample(out, "coastguard_service_failing_sources", "", service.distinct_failing_sources());
  Header(out, "coastguard_service_attacks_total", "counter",
         "Times the service entered attack mode.");
  Sample(out, "coastguard_service_attacks_total", "",
         static_cast<double>(service.attacks_started()));

  Header(out, "coastguard_request_duration_seconds", "histogram",
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
      Sample(out, "coastguard_request_duration_seconds_bucket",
             core::Cat("endpoint=\"", kEndpointNames[e], "\",le=\"", std::string_view(le), "\""),
             static_cast<double>(cumulative));
    }
    Sample(out, "coastguard_request_duration_seconds_sum",
           core::Cat("endpoint=\"", kEndpointNames[e], "\""), sum_seconds_[e]);
    Sample(out, "coastguard_request_duration_seconds_count",
           core::Cat("endpoint=\"", kEndpointNames[e], "\""), static_cast<double>(count_[e]));
  }
  Header(out, "coastguard_http_responses_total", "counter", "HTTP responses by status class.");
  for (size_t c = 1; c < status_classes_.size(); ++c) {
    Sample(out, "coastguard_http_responses_total", core::Cat("code=\"", c, "xx\""),
           static_cast<double>(status_classes_[c]));
  }
  if (extra) extra(out);
  return out;
}

}  // namespace coastguard::http
