#include "history/timeline.h"

#include <algorithm>

namespace coastguard::history {

Timeline::Timeline(size_t minutes) : ring_(std::max<size_t>(minutes, 1)) {}

Timeline::Bucket* Timeline::BucketFor(core::Timestamp ts) {
  const int64_t minute = MinuteOf(ts);
  // Events older than the ring are history nobody can see any more.
  if (newest_minute_ >= 0 && minute <= newest_minute_ - static_cast<int64_t>(ring_.size())) {
    return nullptr;
  }
  newest_minute_ = std::max(newest_minute_, minute);
  Bucket& b = ring_[Slot(minute)];
  if (b.minute != minute) {
    b.minute = minute;
    b.counts.fill(0);
  }
  return &b;
}

void Timeline::Count(core::Timestamp ts, Series series) {
  if (Bucket* b = BucketFor(ts)) ++b->counts[static_cast<size_t>(series)];
}

void Timeline::Attack(core::Timestamp ts, bool under_attack) {
  if (under_attack) {
    if (!in_attack_ || episodes_.empty()) {
      episodes_.push_back({ts, ts});
      if (episodes_.size() > kMaxEpisodes) episodes_.pop_front();
      in_attack_ = true;
    } else {
      episodes_.back().end = std::max(episodes_.back().end, ts);
    }
  } else {
    in_attack_ = false;
  }
}

void Timeline::Login(core::Timestamp ts, Series verdict, const core::IpAddress& ip,
                     std::string_view login, bool under_attack) {
  Count(ts, verdict);
  Attack(ts, under_attack);
  if (verdict == Series::kLoginAllow) return;
  if (verdict == Series::kLoginReject) {
    Add(refused_sources_, ts, ip.ToString());
    const int bits = ip.is_v4() ? 24 : 64;
    Add(refused_prefixes_, ts, ip.Masked(bits).ToString() + "/" + std::to_string(bits));
  }
  Add(targeted_logins_, ts, login);
}

void Timeline::LoginFailed(core::Timestamp ts, std::string_view login) {
  Count(ts, Series::kLoginFailure);
  Add(targeted_logins_, ts, login);
}

void Timeline::Add(TopTable& table, core::Timestamp ts, std::string_view subject) {
  if (subject.empty()) return;
  const int64_t hour = ts / core::kHour;
  if (hour > table.hour) {
    // One hour later the current generation becomes the previous one; after two, both go.
    if (table.hour >= 0 && hour == table.hour + 1) {
      std::swap(table.previous, table.current);
    } else {
      table.previous = Table(kTopCapacity);
    }
    table.current = Table(kTopCapacity);
    table.hour = hour;
  }
  ++table.current.FindOrInsert(std::string(subject), ts).count;
}

std::vector<TopEntry> Timeline::Top(const TopTable& table, size_t n) {
  absl::flat_hash_map<std::string, uint64_t> merged;
  table.previous.ForEach([&](const std::string& k, const Counted& c) { merged[k] += c.count; });
  table.current.ForEach([&](const std::string& k, const Counted& c) { merged[k] += c.count; });
  std::vector<TopEntry> out;
  out.reserve(merged.size());
  for (auto& [subject, count] : merged) out.push_back({subject, count});
  const size_t keep = std::min(n, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<ptrdiff_t>(keep), out.end(),
                    [](const TopEntry& a, const TopEntry& b) {
                      return a.count != b.count ? a.count > b.count : a.subject < b.subject;
                    });
  out.resize(keep);
  return out;
}

size_t Timeline::MemoryBytes() const {
  size_t bytes = ring_.capacity() * sizeof(Bucket) + episodes_.size() * sizeof(AttackEpisode);
  for (const TopTable* t : {&refused_sources_, &refused_prefixes_, &targeted_logins_}) {
    bytes += t->current.MemoryBytes() + t->previous.MemoryBytes();
  }
  return bytes;
}

}  // namespace coastguard::history
