#pragma once

namespace coastguard::server {

// coastguard ctl [--config FILE] [--data-dir DIR] [--url URL] [--token-file FILE] [--json] ...
int CtlCommand(int argc, char** argv);

}  // namespace coastguard::server
