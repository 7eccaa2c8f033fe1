#pragma once

namespace coastguard::server {

// `coastguard config --defaults | --check FILE | dovecot [--config F] [--data-dir D] [--listen A]`
int ConfigCommand(int argc, char** argv);

}  // namespace coastguard::server
