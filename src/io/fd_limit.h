#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace coastguard::io {

// Raises the soft RLIMIT_NOFILE to `needed` descriptors if it is lower (systemd's default soft
// limit is 1,024, below the connection caps), up to the hard limit. Returns the limit now in
// force; an error naming both numbers when the hard limit is too low.
absl::StatusOr<size_t> EnsureOpenFiles(size_t needed);

}  // namespace coastguard::io
