// `tandem alloc` on an arbitrary state document: it answers with output and an exit code,
// never a crash, whatever the JSON (the seeds include groups large enough for the
// min-cost matching of interface_choice.cc).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctl/alloc_command.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)tandem::ctl::run_alloc(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
