// <data_dir>/forms.learned as the server reads it at startup: any bytes, never a crash.
#include <cstdint>
#include <string_view>

#include "forms/form_guard.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  coastguard::forms::FormGuard guard(coastguard::forms::FormsConfig{.max_keys = 1000}, "key", 1);
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (guard.ImportLearned(bytes, 1'800'000'000'000'000).ok()) {
    // What loads must export to something that loads again.
    if (!guard.ImportLearned(guard.ExportLearned(), 1'800'000'000'000'000).ok()) __builtin_trap();
  }
  return 0;
}
