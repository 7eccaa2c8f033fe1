#pragma once

namespace coastguard::server {

// `coastguard replay EVENTS.jsonl [--config FILE] [--decisions OUT.jsonl] [--summary-json F]`
int ReplayCommand(int argc, char** argv);

}  // namespace coastguard::server
