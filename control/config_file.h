// Loading a file of commands: the --config file at start, `gwctl --batch` later. Stops at the
// first line that fails, with "FILE:LINE: what is wrong with which token".
#pragma once

#include <string>

#include "absl/status/status.h"
#include "control/gateway.h"

namespace gw::ctl {

struct LoadResult {
  size_t commands = 0;  // commands applied
};

absl::Status LoadConfigFile(const std::string& path, Gateway& gw, LoadResult* result = nullptr);

// The same, over text already in memory; `name` is what errors call it.
absl::Status LoadConfigText(absl::string_view text, const std::string& name, Gateway& gw,
                            LoadResult* result = nullptr);

}  // namespace gw::ctl
