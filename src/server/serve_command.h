#pragma once

namespace coastguard::server {

// `coastguard serve [--config FILE] [--listen HOST:PORT] [--data-dir DIR] [--demo DIR]`
int ServeCommand(int argc, char** argv);

}  // namespace coastguard::server
