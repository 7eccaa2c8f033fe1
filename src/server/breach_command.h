#pragma once

namespace coastguard::server {

// `coastguard breach import|query`: fills the breach database, and looks hashes up in it.
int BreachCommand(int argc, char** argv);

}  // namespace coastguard::server
