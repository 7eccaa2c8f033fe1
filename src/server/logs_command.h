#pragma once

namespace coastguard::server {

// coastguard logs parse [--format NAME|auto] [--year YYYY] FILE...
int LogsCommand(int argc, char** argv);

}  // namespace coastguard::server
