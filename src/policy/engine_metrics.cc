// The auth guard's /metrics families, declared here beside the engine that counts them.
#include "core/metrics_text.h"
#include "core/text.h"
#include "policy/engine.h"

namespace coastguard::policy {

void Engine::AppendMetrics(std::string& out, Timestamp now) const {
  using core::MetricFamily;
  using core::MetricHeader;
  using core::MetricSample;
  const EngineStats& stats = stats_;
  MetricFamily(out, "coastguard_checks_total", "counter",
               "Login attempts decided before the password check.",
               static_cast<double>(stats.checks));
  MetricFamily(out, "coastguard_reports_total", "counter", "Password-check outcomes reported.",
               static_cast<double>(stats.reports));
  MetricFamily(out, "coastguard_bad_input_total", "counter",
               "Attempts that could not be read (decided fail-open).",
               static_cast<double>(stats.bad_input));

  MetricHeader(out, "coastguard_verdicts_total", "counter", "Verdicts by action.");
  for (size_t a = 0; a < stats.actions.size(); ++a) {
    MetricSample(out, "coastguard_verdicts_total",
                 core::Cat("verdict=\"", core::ActionName(static_cast<core::Action>(a)), "\""),
                 static_cast<double>(stats.actions[a]));
  }
  MetricHeader(out, "coastguard_verdict_reasons_total", "counter", "Reasons given with verdicts.");
  for (size_t r = 0; r < stats.reasons.size(); ++r) {
    MetricSample(out, "coastguard_verdict_reasons_total",
                 core::Cat("reason=\"", core::ReasonName(static_cast<core::Reason>(r)), "\""),
                 static_cast<double>(stats.reasons[r]));
  }
  MetricFamily(out, "coastguard_blocks_created_total", "counter", "Automatic blocks created.",
               static_cast<double>(stats.blocks_created));
  MetricFamily(out, "coastguard_blocks_active", "gauge", "Blocks in force now.",
               static_cast<double>(blocks_.live()));

  const detect::ServiceAttack& service = service_attack_;
  MetricFamily(out, "coastguard_service_under_attack", "gauge",
               "1 while service-wide failure rates are far above baseline.",
               service.UnderAttack(now) ? 1 : 0);
  MetricFamily(out, "coastguard_service_failing_sources", "gauge",
               "Distinct sources (IPv4 addresses, IPv6 /64s) behind unfamiliar failures, last two "
               "intervals (HyperLogLog).",
               service.distinct_failing_sources());
  MetricFamily(out, "coastguard_service_attacks_total", "counter",
               "Times the service entered attack mode.",
               static_cast<double>(service.attacks_started()));
}

}  // namespace coastguard::policy
