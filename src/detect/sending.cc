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

SendingCheck Sending::AddRecipient(AccountSending& a, uint32_t domain_tag,
                                   uint64_t recipient_digest, const SendingLimits& l,
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
  const unsigned bit1 = recipient_digest & 511;
  const unsigned bit2 = (recipient_digest >> 9) & 511;
  const bool known = (a.known_recipients[bit1 / 64] >> (bit1 % 64) & 1) &&
                     (a.known_recipients[bit2 / 64] >> (bit2 % 64) & 1);
  if (!known) {
    a.new_recipients_hour.Add(now, core::kHour);
    a.known_recipients[bit1 / 64] |= uint64_t{1} << (bit1 % 64);
    a.known_recipients[bit2 / 64] |= uint64_t{1} << (bit2 % 64);
  }
  ++a.hour_count;
  return Spiking(a, l, now) ? SendingCheck::kSpike : SendingCheck::kOk;
}

SendingCheck Sending::AddMessage(AccountSending& a, const SendingLimits& l, Timestamp now) {
  a.last_seen_s = core::ToSeconds(now);
  auto over = [](double count, int limit) { return limit > 0 && count + 1 > limit; };
  if (over(a.messages_hour.Estimate(now, core::kHour), l.messages_per_hour) ||
      over(a.messages_day.Estimate(now, core::kDay), l.messages_per_day)) {
    return SendingCheck::kRateLimited;
  }
  a.messages_hour.Add(now, core::kHour);
  a.messages_day.Add(now, core::kDay);
  return Spiking(a, l, now) ? SendingCheck::kSpike : SendingCheck::kOk;
}

bool Sending::Spiking(const AccountSending& a, const SendingLimits& l, Timestamp now) {
  const double last_hour = a.recipients_hour.Estimate(now, core::kHour);
  return last_hour >= l.spike_min && last_hour > l.spike_factor * a.usual_hourly;
}

}  // namespace coastguard::detect
