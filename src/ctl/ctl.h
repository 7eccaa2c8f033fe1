#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "ctl/admin_client.h"

namespace coastguard::ctl {

// Exit codes scripts can rely on (docs/ctl.md).
inline constexpr int kOk = 0;
inline constexpr int kNothing = 1;  // nothing matched: not blocked, not a suspect
inline constexpr int kUsage = 2;
inline constexpr int kUnreachable = 3;  // no answer from the daemon
inline constexpr int kRefused = 4;      // the token was refused
inline constexpr int kFailed = 5;       // the daemon answered with an error

// Runs one ctl subcommand (`args` after "ctl" and the connection options) against the admin
// API: human output on `out`, or the API's JSON with `json`.
int Run(const std::vector<std::string>& args, const AdminClient& client, bool json, std::FILE* out,
        std::FILE* err);

}  // namespace coastguard::ctl
