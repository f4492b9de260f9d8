#include "app/host_facts.h"

#include <net/if.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace tandem::app {

config::PathFacts inspect_path(const std::string& path) {
  using Kind = config::PathFacts::Kind;
  config::PathFacts facts;
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    facts.kind = errno == ENOENT || errno == ENOTDIR ? Kind::kMissing : Kind::kUnreachable;
    facts.reason = std::strerror(errno);
    return facts;
  }
  facts.kind = S_ISREG(status.st_mode) ? Kind::kRegular : S_ISDIR(status.st_mode) ? Kind::kDirectory : Kind::kOther;
  facts.mode = status.st_mode & 07777;
  facts.owner = status.st_uid;
  facts.is_executable = (status.st_mode & S_IXUSR) != 0;
  return facts;
}

Result<std::set<std::string>> host_interface_names() {
  struct if_nameindex* list = ::if_nameindex();
  if (list == nullptr) return fail("network interfaces", std::string("cannot list: ") + std::strerror(errno));
  std::set<std::string> names;
  for (const struct if_nameindex* entry = list; entry->if_index != 0; ++entry) names.insert(entry->if_name);
  ::if_freenameindex(list);
  return names;
}

}  // namespace tandem::app
