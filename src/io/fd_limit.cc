#include "io/fd_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

#include "core/text.h"

namespace coastguard::io {

absl::StatusOr<size_t> EnsureOpenFiles(size_t needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return absl::InternalError(core::Cat("getrlimit(RLIMIT_NOFILE): ", std::strerror(errno)));
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur >= needed) return limit.rlim_cur;
  if (limit.rlim_cur == RLIM_INFINITY) return needed;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
    return absl::FailedPreconditionError(core::Cat(
        "the connection caps need ", needed, " open files, but the hard limit is ",
        static_cast<uint64_t>(limit.rlim_max),
        ": raise it (systemd: LimitNOFILE=) or lower [server] and [postfix] max_connections"));
  }
  limit.rlim_cur = needed;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return absl::InternalError(
        core::Cat("setrlimit(RLIMIT_NOFILE, ", needed, "): ", std::strerror(errno)));
  }
  return needed;
}

}  // namespace coastguard::io
