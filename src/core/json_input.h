#pragma once

#include <string_view>

#include <simdjson.h>

namespace coastguard::core {

// simdjson needs SIMDJSON_PADDING readable bytes past the input: copies `text` into `buffer`
// (growing it, and allocating it even for empty input, so that nothing ever sees a null
// buffer) and returns a view simdjson can iterate. Shared by every JSON request parser.
simdjson::padded_string_view PaddedCopy(std::string_view text, simdjson::padded_string& buffer);

// Reads a string field; null counts as absent (leaves `out` untouched). False on other types.
bool ReadOptionalString(simdjson::ondemand::value value, std::string_view* out);

}  // namespace coastguard::core
