#include "detect/sending.h"

#include <algorithm>

namespace coastguard::detect {
namespace {

constexpr double kUsualWeight = 0.1;

// Folds finished hours into the account's usual hourly volume (active hours only, so that a
// quiet night does not make a morning look like a spike).
void RollHour(AccountSending& a, Timestamp now) {
  const auto hour = static_cast<uint32_t>(now / core::kHour);
  if (hour == a.hour_index) return;
  if (a.hour_count > 0) {
    ++a.hours_learned;
    const double w = std::max(kUsualWeight, 1.0 / a.hours_learned);
    a.usual_hourly += w * (a.hour_count - a.usual_hourly);
  }
  a.hour_index = hour;
  a.hour_count = 0;
}

}  // namespace

SendingCheck Sending::AddRecipient(AccountSending& a, uint32_t domain_tag, const SendingLimits& l,
                                   Timestamp now) {
  RollHour(a, now);
  a.last_seen_s = core::ToSeconds(now);
  const bool new_domain = !a.domains_hour.Contains(domain_tag, now, core::kHour);
  auto over = [](double count, int limit) { return limit > 0 && count + 1 > limit; };
  if (over(a.recipients_minute.Estimate(now, core::kMinute), l.recipients_per_minute) ||
      over(a.recipients_hour.Estimate(now, core::kHour), l.recipients_per_hour) ||
      over(a.recipients_day.Estimate(now, core::kDay), l.recipients_per_day) ||
      (new_domain && over(a.domains_hour.Count(now, core::kHour), l.domains_per_hour))) {
    return SendingCheck::kRateLimited;
  }
  a.recipients_minute.Add(now, core::kMinute);
  a.recipients_hour.Add(now, core::kHour);
  a.recipients_day.Add(now, core::kDay);
  a.domains_hour.Insert(domain_tag, now, core::kHour);
  ++a.hour_count;
  return Spiking(a, l, now) ? SendingCheck::kSpike : SendingCheck::kOk;
}

SendingCheck Sending::AddMessage(AccountSending& a, const SendingLimits& l, Timestamp now) {
  a.last_seen_s = core::ToSeconds(now);
  if (l.messages_per_hour > 0 &&
      a.messages_hour.Estimate(now, core::kHour) + 1 > l.messages_per_hour) {
    return SendingCheck::kRateLimited;
  }
  a.messages_hour.Add(now, core::kHour);
  return Spiking(a, l, now) ? SendingCheck::kSpike : SendingCheck::kOk;
}

bool Sending::Spiking(const AccountSending& a, const SendingLimits& l, Timestamp now) {
  const double last_hour = a.recipients_hour.Estimate(now, core::kHour);
  return last_hour >= l.spike_min && last_hour > l.spike_factor * a.usual_hourly;
}

}  // namespace coastguard::detect
