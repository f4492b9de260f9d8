// LabRecord: what `up` built, kept in the state dir as lab.json for the later verbs.
//
// It holds the options, not the plan: make_lab_plan() gives the same plan from the same
// options, so `nic-down`, `status` and the rest rebuild it instead of trusting a copy.
// Pure: text in, value out.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "lab/lab_plan.h"

namespace tandem::lab {

struct LabRecord {
  LabOptions options;
  bool has_daemons = true;  // false: built with --no-daemon
  std::string tandemd;      // the daemon's executable ("" without daemons)
  std::string lab_program;  // tandem-lab's executable, which runs the probe listeners
  std::string iscsi_hook;   // with --iscsi: the hook installed on every node (60.iscsi-tgt)

  friend bool operator==(const LabRecord&, const LabRecord&) = default;
};

std::string lab_record_json(const LabRecord& record);

// Errors name the file and what is missing or of the wrong type.
Result<LabRecord> parse_lab_record(std::string_view text, std::string_view file_name);

}  // namespace tandem::lab
