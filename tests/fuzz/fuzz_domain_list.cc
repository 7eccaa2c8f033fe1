// Domain lists the form guard loads: disposable-mail domains and link shorteners, as a JSON
// array, SpamAssassin's url_shortener rules or one domain per line.
#include <cstdint>
#include <string_view>

#include "forms/domains.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  coastguard::forms::DomainList list;
  list.Add("kept.example");
  if (!list.Parse(text, "fuzz.list").ok()) {
    // An error replaces nothing.
    if (list.size() != 1 || !list.Contains("kept.example")) __builtin_trap();
    return 0;
  }
  (void)list.Contains("sub.kept.example");
  return 0;
}
