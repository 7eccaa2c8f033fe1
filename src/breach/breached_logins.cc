#include "breach/breached_logins.h"

#include <algorithm>

#include "core/digest.h"
#include "core/memory_budget.h"

namespace coastguard::breach {
namespace {

constexpr size_t kMaxText = 256;

std::string Capped(std::string_view text) { return std::string(text.substr(0, kMaxText)); }

// Heap bytes of a string beyond its small-string buffer.
size_t HeapBytes(const std::string& text) { return text.capacity() > 15 ? text.capacity() + 1 : 0; }

}  // namespace

BreachedLogins::BreachedLogins(size_t capacity, uint64_t seed) : map_(capacity), seed_(seed) {
  map_.set_on_evict(
      [this](const uint64_t&, const BreachedLogin& entry) { text_bytes_ -= TextBytes(entry); });
}

size_t BreachedLogins::TextBytes(const BreachedLogin& entry) {
  return HeapBytes(entry.login) + HeapBytes(entry.last_ip) + HeapBytes(entry.last_service);
}

uint64_t BreachedLogins::KeyOf(std::string_view login) const {
  return core::Digest64(login.substr(0, kMaxText), seed_);
}

BreachedLogins::Seen BreachedLogins::Report(std::string_view login, std::string_view ip,
                                            std::string_view service, bool breached,
                                            uint32_t breach_count, core::Timestamp now) {
  if (observer_ != nullptr)
    observer_->BreachReported(login, ip, service, breached, breach_count, now);
  return Apply(login, ip, service, breached, breach_count, now, stats_);
}

void BreachedLogins::ObserveReport(std::string_view login, std::string_view ip,
                                   std::string_view service, bool breached, uint32_t breach_count,
                                   core::Timestamp now) {
  BreachedLoginsStats uncounted;
  Apply(login, ip, service, breached, breach_count, now, uncounted);
}

BreachedLogins::Seen BreachedLogins::Apply(std::string_view login, std::string_view ip,
                                           std::string_view service, bool breached,
                                           uint32_t breach_count, core::Timestamp now,
                                           BreachedLoginsStats& stats) {
  ++stats.reports;
  const uint64_t key = KeyOf(login);
  if (!breached) {
    if (const BreachedLogin* entry = map_.Find(key)) {
      text_bytes_ -= TextBytes(*entry);
      map_.Erase(key);
      ++stats.cleared;
    }
    return Seen{};
  }
  ++stats.breached;
  const bool first = map_.Find(key) == nullptr;
  BreachedLogin& entry = map_.FindOrInsert(key, now);
  text_bytes_ -= TextBytes(entry);
  if (first) {
    ++stats.newly_marked;
    entry.login = Capped(login);
    entry.first_seen = now;
  }
  entry.breach_count = breach_count;
  entry.last_seen = now;
  ++entry.logins;
  entry.last_ip = Capped(ip);
  entry.last_service = Capped(service);
  text_bytes_ += TextBytes(entry);
  return Seen{&entry, first};
}

void BreachedLogins::MarkNotified(std::string_view login, core::Timestamp now) {
  if (observer_ != nullptr) observer_->BreachNotified(login, now);
  ObserveNotified(login, now);
}

void BreachedLogins::ObserveNotified(std::string_view login, core::Timestamp now) {
  if (BreachedLogin* entry = map_.Find(KeyOf(login)))
    entry->notified = std::max(entry->notified, now);
}

const BreachedLogin* BreachedLogins::Find(std::string_view login) const {
  return map_.Find(KeyOf(login));
}

bool BreachedLogins::Clear(std::string_view login) {
  const uint64_t key = KeyOf(login);
  const BreachedLogin* entry = map_.Find(key);
  if (entry == nullptr) return false;
  text_bytes_ -= TextBytes(*entry);
  return map_.Erase(key);
}

size_t BreachedLogins::MemoryBytes() const { return map_.MemoryBytes() + text_bytes_; }

size_t BreachedLogins::ByteBound() const {
  return map_.capacity() * (core::EntryBytes<uint64_t, BreachedLogin>() + 3 * (kMaxText + 1));
}

}  // namespace coastguard::breach
