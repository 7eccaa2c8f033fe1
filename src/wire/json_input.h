#pragma once

#include <cstddef>
#include <string_view>

#include <simdjson.h>

namespace coastguard::wire {

// Readable bytes a buffer needs past the end of the JSON it holds for the parsers to read it in
// place (simdjson reads ahead in blocks).
inline constexpr size_t kPadding = simdjson::SIMDJSON_PADDING;

// Copies `text` into `buffer` (growing it, and allocating it even for empty input, so that
// nothing ever sees a null buffer) and returns a view simdjson can iterate. Shared by every
// JSON request parser.
simdjson::padded_string_view PaddedCopy(std::string_view text, simdjson::padded_string& buffer);

// `text` itself when the caller guarantees kPadding readable bytes after it, else a padded copy.
simdjson::padded_string_view PaddedInput(std::string_view text, bool padded,
                                         simdjson::padded_string& buffer);

// Reads a string field; null counts as absent (leaves `out` untouched). False on other types.
bool ReadOptionalString(simdjson::ondemand::value value, std::string_view* out);

}  // namespace coastguard::wire
