#include "breach/breached_logins.h"

#include "core/digest.h"

namespace coastguard::breach {
namespace {

constexpr size_t kMaxText = 256;

std::string Capped(std::string_view text) { return std::string(text.substr(0, kMaxText)); }

}  // namespace

uint64_t BreachedLogins::KeyOf(std::string_view login) const {
  return core::Digest64(login.substr(0, kMaxText), seed_);
}

BreachedLogins::Seen BreachedLogins::Report(std::string_view login, std::string_view ip,
                                            std::string_view service, bool breached,
                                            uint32_t breach_count, core::Timestamp now) {
  ++stats_.reports;
  const uint64_t key = KeyOf(login);
  if (!breached) {
    if (map_.Erase(key)) ++stats_.cleared;
    return Seen{};
  }
  ++stats_.breached;
  const bool first = map_.Find(key) == nullptr;
  BreachedLogin& entry = map_.FindOrInsert(key, now);
  if (first) {
    ++stats_.newly_marked;
    entry.login = Capped(login);
    entry.first_seen = now;
  }
  entry.breach_count = breach_count;
  entry.last_seen = now;
  ++entry.logins;
  entry.last_ip = Capped(ip);
  entry.last_service = Capped(service);
  return Seen{&entry, first};
}

void BreachedLogins::MarkNotified(std::string_view login, core::Timestamp now) {
  if (BreachedLogin* entry = map_.Find(KeyOf(login))) entry->notified = now;
}

const BreachedLogin* BreachedLogins::Find(std::string_view login) const {
  return map_.Find(KeyOf(login));
}

bool BreachedLogins::Clear(std::string_view login) { return map_.Erase(KeyOf(login)); }

size_t BreachedLogins::MemoryBytes() const {
  // The map's own slots plus the three strings each entry may hold on the heap.
  return map_.MemoryBytes() + map_.size() * 3 * 32;
}

}  // namespace coastguard::breach
