#include "wire/json_input.h"

#include <cstring>

namespace coastguard::wire {

simdjson::padded_string_view PaddedCopy(std::string_view text, simdjson::padded_string& buffer) {
  if (buffer.data() == nullptr || buffer.size() < text.size()) {
    buffer = simdjson::padded_string(text.size() * 2 + 64);
  }
  std::memcpy(buffer.data(), text.data(), text.size());
  return simdjson::padded_string_view(buffer.data(), text.size(),
                                      buffer.size() + simdjson::SIMDJSON_PADDING);
}

simdjson::padded_string_view PaddedInput(std::string_view text, bool padded,
                                         simdjson::padded_string& buffer) {
  if (!padded) return PaddedCopy(text, buffer);
  return simdjson::padded_string_view(text.data(), text.size(), text.size() + kPadding);
}

bool ReadOptionalString(simdjson::ondemand::value value, std::string_view* out) {
  simdjson::ondemand::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return false;
  if (type == simdjson::ondemand::json_type::null) return true;
  return value.get_string().get(*out) == simdjson::SUCCESS;
}

}  // namespace coastguard::wire
