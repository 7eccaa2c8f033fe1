#include "policy/state_sink.h"

#include "core/log.h"
#include "core/text.h"

namespace coastguard::policy {

void LoggingSink::FamiliarityLearned(uint64_t login, const detect::FamiliarityStore::Source& s) {
  next_.FamiliarityLearned(login, s);
}

void LoggingSink::BlockSet(const BlockKey& key, const Block& block) {
  core::Log(BlockLogLine(key, block));
  next_.BlockSet(key, block);
}

void LoggingSink::BlockRemoved(const BlockKey& key) {
  core::Log(core::Cat("unblock ", BlockKindName(key.kind)));
  next_.BlockRemoved(key);
}

void LoggingSink::AllowNetwork(const core::Cidr& cidr, bool added) {
  next_.AllowNetwork(cidr, added);
}

void LoggingSink::AllowLogin(uint64_t login, std::string_view subject, bool added) {
  next_.AllowLogin(login, subject, added);
}

void LoggingSink::EvidenceRecorded(uint64_t login, const detect::LoginEvidence& evidence) {
  next_.EvidenceRecorded(login, evidence);
}

}  // namespace coastguard::policy
